"""The check registry: one module per flag code, listed explicitly.

Each module exposes ``RULE`` (:class:`analyzer.checks.rule.Rule`, everything about the code) and
``check``: ``check(answer, ctx, opts) -> Findings`` for an answer rule, ``check(session, opts) ->
Findings`` for a session rule (:mod:`analyzer.checks.context`). Codes are stable: never reuse or
rename one. Adding a check is one module here, listed below, with its example rows in its ``RULE``.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from analyzer.checks.context import PAUSE, CheckModule
from analyzer.checks.rule import AnnotationKind, Rule

CHECK_MODULES: tuple[str, ...] = (
    "rambling",
    "fillers",
    "enthusiasm",
    "star",
    "negativity",
    "unprepared",
    "no_questions",
    "non_answer",
    "audio_quality",
)


@lru_cache(maxsize=1)
def registry() -> dict[str, CheckModule]:
    """``{code: module}`` in a stable order."""
    out: dict[str, CheckModule] = {}
    for name in CHECK_MODULES:
        module = importlib.import_module(f"analyzer.checks.{name}")
        code = module.RULE.code
        if code in out:
            raise RuntimeError(f"duplicate rule code {code!r} in analyzer.checks.{name}")
        out[code] = module  # type: ignore[assignment]
    return out


def rules() -> dict[str, Rule]:
    return {code: module.RULE for code, module in registry().items()}


def annotation_kinds() -> dict[str, AnnotationKind]:
    """Every annotation kind the checks (and the pipeline's long pauses) put on answers, by name."""
    return {kind.kind: kind for rule in rules().values() for kind in rule.annotations} | {PAUSE.kind: PAUSE}
