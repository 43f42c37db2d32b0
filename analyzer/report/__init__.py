"""The report: one renderer per output format (JSON, Markdown, HTML), the JSON schema, and coach reviews merged into the JSON."""

from __future__ import annotations

from typing import Any, Callable

from analyzer.datamodel import Report
from analyzer.errors import ConfigError


def _json(report: Report, **_options: Any) -> str:
    from analyzer.report.json import render_json

    return render_json(report)


def _markdown(report: Report, **_options: Any) -> str:
    from analyzer.report.markdown import render_markdown

    return render_markdown(report)


def _html(report: Report, **options: Any) -> str:
    from analyzer.report.html import render_html

    return render_html(report, **options)


RENDERERS: dict[str, Callable[..., str]] = {"json": _json, "md": _markdown, "html": _html}
EXTENSIONS: dict[str, str] = {"json": ".json", "md": ".md", "html": ".html"}


def render(report: Report, fmt: str, **options: Any) -> str:
    """``report`` as ``fmt``; ``options`` (e.g. ``out_path``, ``settings``) reach renderers that use them."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown report format {fmt!r}; choose from {', '.join(RENDERERS)}") from None
    return renderer(report, **options)
