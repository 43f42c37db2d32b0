"""What a check is given and what it gives back.

An answer rule's ``check(answer, ctx, opts)`` gets an :class:`AnswerContext` (the answer's parse
and measured silences, computed once and shared between checks through :meth:`AnswerContext.memo`,
as the filler detection is: :func:`analyzer.checks.fillers.fillers_for`); a session rule's
``check(session, opts)`` gets a :class:`SessionContext` (every answer, the small talk, the whole
transcript and audio). Both return :class:`Findings`. ``opts`` are the rule's options, validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from analyzer.checks.rule import AnnotationKind, Rule
from analyzer.datamodel import Annotation, Answer, Flag, Transcript, Utterance
from analyzer.errors import ConfigError

if TYPE_CHECKING:  # heavy imports stay lazy
    import numpy as np
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MIN_PAUSE_S = 2.0
"""A measured silence at least this long inside an answer is a long pause (``[audio] min-pause-s``)."""

PAUSE = AnnotationKind("pause", "Long pause", "‖ badge with its length",
                       "A silence measured in the recording between two words.", "‖")
"""The annotation the pipeline itself puts on long pauses (no rule emits it)."""


@dataclass
class Findings:
    """What one check found in one answer (answer rules) or in the whole session (session rules).

    A session rule's flags are the session's (``Report.flags``); their evidence spans name the
    answer they quote (``Span.answer_id``) or the stretch of the recording (``Span.start_s``/``end_s``).
    Highlights inside answers come from answer rules only: a session rule leaves ``annotations`` empty.
    """

    annotations: list[Annotation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    """Written as ``metrics.<rule namespace>`` of the answer (or of the report, for a session rule)."""
    assessed: bool = True
    """False when the answer (or session) is outside the check's scope (missing-star on an answer to
    a non-behavioural question, filler-words on an answer too short to measure): the check neither
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
    """Global settings tables from the configuration (``audio``, ``report``)."""
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Every rule's options in effect, by code, enabled or not (checks share what one rule configures)."""
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


@dataclass
class SessionContext:
    """The whole session, for rules whose verdict is about the session rather than one answer."""

    answers: list[Answer]
    transcript: Transcript
    small_talk: list[Utterance] = field(default_factory=list)
    audio: "np.ndarray | None" = None
    sample_rate: int = 16000
    settings: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def min_pause_s(settings: Mapping[str, Any]) -> float:
    """The long-pause threshold from the ``audio`` settings table."""
    try:
        return float(settings.get("audio", {}).get("min-pause-s", DEFAULT_MIN_PAUSE_S))
    except (TypeError, ValueError):
        raise ConfigError("[audio] min-pause-s must be a number of seconds") from None


class CheckModule(Protocol):
    """A module of ``analyzer/checks/``: its ``RULE`` and its ``check`` function (whose signature
    follows ``RULE.scope``: ``check(answer, ctx, opts)`` or ``check(session, opts)``)."""

    RULE: Rule
    check: Callable[..., Findings]
