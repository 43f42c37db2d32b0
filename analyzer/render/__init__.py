"""Renderers, one per output format."""

from __future__ import annotations

from typing import Callable

from analyzer.datamodel import Report
from analyzer.errors import ConfigError


def _json(report: Report) -> str:
    from analyzer.render.json import render_json

    return render_json(report)


def _markdown(report: Report) -> str:
    from analyzer.render.markdown import render_markdown

    return render_markdown(report)


RENDERERS: dict[str, Callable[[Report], str]] = {"json": _json, "md": _markdown}
EXTENSIONS: dict[str, str] = {"json": ".json", "md": ".md"}


def render(report: Report, fmt: str) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown report format {fmt!r}; choose from {', '.join(RENDERERS)}") from None
    return renderer(report)
