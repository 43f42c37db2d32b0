"""What a check is: a documented :class:`Rule` plus a ``check(answer, ctx, opts)`` function.

A check module in ``analyzer/checks/`` exposes ``RULE`` and ``check``; the registry in
``analyzer/checks/__init__.py`` lists the modules explicitly (as proselint does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from analyzer.datamodel import Annotation, Answer, Flag, Severity, Span, Transcript
from analyzer.errors import ConfigError

if TYPE_CHECKING:  # heavy imports stay lazy
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc


DEFAULT_MIN_PAUSE_S = 2.0
"""A measured silence at least this long inside an answer is a long pause (``[audio] min-pause-s``)."""


@dataclass(frozen=True)
class Option:
    """A configurable threshold or setting of a rule (``[tool.interview-analyzer.<code>]``)."""

    name: str
    default: Any
    help: str


@dataclass(frozen=True)
class Rule:
    """Self-documentation of a flag code, printed by ``interview-analyzer rules CODE``."""

    code: str
    name: str
    summary: str
    what: str
    why: str
    example_bad: str
    example_good: str
    severity: Severity = "warning"
    options: tuple[Option, ...] = ()
    annotations: tuple[str, ...] = ()
    status: str = "stable"
    since: str = "0.1.0"

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}


@dataclass
class Findings:
    """What one check found in one answer."""

    annotations: list[Annotation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    assessed: bool = True
    """False when the answer is outside the check's scope (missing-star on an answer to a
    non-behavioural question, filler-words on an answer too short to measure): the check neither
    passes nor fails it, and the summary leaves it out of the check's pass rate."""


@dataclass
class AnswerContext:
    """Shared, lazily computed material for the checks of one answer.

    Expensive things (spaCy parses, filler detection) are computed once and shared
    between checks through :meth:`memo`.
    """

    answer: Answer
    transcript: Transcript
    audio: "np.ndarray | None" = None
    """Mono 16 kHz float32 samples of the whole session when the input was audio."""
    sample_rate: int = 16000
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Global settings (e.g. the configured filler list) from the configuration."""
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def nlp(self) -> "Language":
        from analyzer.text.nlp import load_spacy

        return load_spacy()

    @cached_property
    def doc(self) -> "Doc":
        """spaCy parse of ``answer.text``; token ``idx`` values are offsets into it."""
        return self.nlp(self.answer.answer.text)

    def silences_within(self, start_s: float | None, end_s: float | None) -> list[tuple[float, float]]:
        """Measured silences that fall inside ``[start_s, end_s]`` (clipped)."""
        if start_s is None or end_s is None:
            return []
        out = []
        for s, e in self.transcript.silences:
            s2, e2 = max(s, start_s), min(e, end_s)
            if e2 > s2:
                out.append((s2, e2))
        return out


def fillers_for(ctx: AnswerContext) -> list[Annotation]:
    """The fillers of the context's answer, detected once and shared between checks."""

    def compute() -> list[Annotation]:
        from analyzer.detectors.fillers.model import detect_fillers

        utterance = ctx.answer.answer
        return detect_fillers(
            ctx.doc,
            ctx.settings.get("fillers", {}),
            words=utterance.words,
            silences=ctx.silences_within(utterance.start_s, utterance.end_s),
        )

    return ctx.memo("fillers", compute)


def min_pause_s(settings: Mapping[str, Any]) -> float:
    """The long-pause threshold from the ``audio`` settings table."""
    try:
        return float(settings.get("audio", {}).get("min-pause-s", DEFAULT_MIN_PAUSE_S))
    except (TypeError, ValueError):
        raise ConfigError("[audio] min-pause-s must be a number of seconds") from None


class CheckModule(Protocol):
    RULE: Rule

    def check(self, answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings: ...


def span(text: str, start: int, end: int, note: str | None = None) -> Span:
    """Evidence span into ``text``."""
    return Span(start=start, end=end, text=text[start:end], note=note)


def flag(
    rule: Rule,
    message: str,
    suggestion: str,
    *,
    measure: str | None = None,
    value: float | None = None,
    threshold: float | None = None,
    evidence: list[Span] | tuple[Span, ...] = (),
    severity: Severity | None = None,
    detail: dict[str, Any] | None = None,
) -> Flag:
    """Build a :class:`Flag` for ``rule`` (severity defaults to the rule's)."""
    return Flag(
        code=rule.code,
        severity=severity or rule.severity,
        message=message,
        suggestion=suggestion,
        measure=measure,
        value=None if value is None else round(float(value), 3),
        threshold=None if threshold is None else float(threshold),
        evidence=tuple(evidence),
        detail=detail or {},
    )
