"""interview-analyzer: offline analysis of recorded mock job interviews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["analyze", "transcribe", "render", "Report", "Flag", "Answer", "__version__"]

if TYPE_CHECKING:
    from analyzer.datamodel import Answer, Flag, Report
    from analyzer.pipeline import analyze, render, transcribe


def __getattr__(name: str) -> Any:  # lazy: keep `import analyzer` and `--help` fast
    if name in {"analyze", "render", "transcribe"}:
        from analyzer import pipeline

        return getattr(pipeline, name)
    if name in {"Report", "Flag", "Answer"}:
        from analyzer import datamodel

        return getattr(datamodel, name)
    raise AttributeError(name)
