"""The one data model: transcript -> turns -> answers -> annotations and flags.

Everything the readers, ASR engines, checks and renderers exchange is defined here.
Times are seconds from the start of the recording (``None`` when unknown); character
offsets (``start``/``end``) index into the text of the utterance they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

SCHEMA_VERSION = 2
"""2: metrics under each rule's namespace (``metrics.fillers.per_minute``), session-level ``flags`` and
``metrics``; see docs/report-format.md for the migration from 1."""

Role = Literal["interviewer", "candidate", "unknown"]
Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass
class Word:
    """One recognised or tokenised word, with timing when the source has it.

    ``start_char``/``end_char`` locate the word in the text of the turn or utterance
    that holds it (set by whoever builds that text).
    """

    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None
    speaker: str | None = None
    start_char: int | None = None
    end_char: int | None = None


@dataclass
class Turn:
    """A stretch of speech by one speaker."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    words: list[Word] = field(default_factory=list)
    role: Role = "unknown"


@dataclass
class AudioInfo:
    """What we know about the audio behind a transcript."""

    path: str | None
    duration_s: float
    sample_rate: int = 16000
    channels: int = 1
    sha256: str | None = None


@dataclass
class Transcript:
    """A whole session as read from a file or transcribed from audio."""

    turns: list[Turn]
    source: str | None = None
    format: str = "text"
    audio: AudioInfo | None = None
    silences: list[tuple[float, float]] = field(default_factory=list)
    """Silent intervals measured from the audio (VAD/energy), not from word gaps."""
    speech: list[tuple[float, float, str]] = field(default_factory=list)
    """Who spoke when as the voice diarization heard it: every stretch of detected speech with its speaker,
    with or without recognised words (empty unless speakers were told apart by their voices)."""
    asr: dict[str, Any] = field(default_factory=dict)
    """Engine, model and options when the transcript came from speech recognition."""

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn.speaker, None)
        return list(seen)

    @property
    def has_timings(self) -> bool:
        return any(t.start is not None for t in self.turns)


@dataclass
class Utterance:
    """The question or answer side of a Q/A pair: merged turns of one speaker."""

    text: str
    speaker: str
    start_s: float | None = None
    end_s: float | None = None
    words: list[Word] = field(default_factory=list)
    turn_indices: list[int] = field(default_factory=list)

    @property
    def duration_s(self) -> float | None:
        if self.start_s is None or self.end_s is None:
            return None
        return max(0.0, self.end_s - self.start_s)

    def time_span(self, start: int, end: int) -> tuple[float | None, float | None]:
        """Start/end seconds of the timed words covering characters ``[start, end)``."""
        covered = [
            w for w in self.words
            if w.start_char is not None and w.end_char is not None and w.start is not None
            and w.start_char < end and start < w.end_char
        ]
        if not covered:
            return None, None
        return min(w.start for w in covered), max(w.end if w.end is not None else w.start for w in covered)


@dataclass(frozen=True)
class Span:
    """A character span into ``answer.text`` with the text it covers.

    Evidence of a session-level flag names the answer it quotes (``answer_id``), or a stretch of the
    recording (``start_s``/``end_s``; then ``start``/``end`` are 0 and ``text`` may be empty).
    """

    start: int
    end: int
    text: str
    note: str | None = None
    answer_id: str | None = None
    start_s: float | None = None
    end_s: float | None = None


@dataclass(frozen=True)
class Annotation:
    """A highlighted stretch of an answer: a filler, a STAR part, a hedge, a pause..."""

    kind: str
    start: int
    end: int
    text: str
    start_s: float | None = None
    end_s: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Flag:
    """A problem found in one answer, with the measurement and evidence behind it."""

    code: str
    severity: Severity
    message: str
    suggestion: str
    measure: str | None = None
    value: float | None = None
    threshold: float | None = None
    evidence: tuple[Span, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


class QuestionKind(str, Enum):
    BEHAVIOURAL = "behavioural"
    MOTIVATION = "motivation"
    SELF_ASSESSMENT = "self-assessment"
    FACTUAL = "factual"
    OTHER = "other"


@dataclass
class Answer:
    """One question and the candidate's answer to it, with what the checks found."""

    id: str
    question: Utterance
    answer: Utterance
    question_kind: str = QuestionKind.OTHER.value
    follow_up_of: str | None = None
    interjections: list[Utterance] = field(default_factory=list)
    """Interviewer back-channels ("mm-hm", "right") said while the candidate spoke."""
    metrics: dict[str, Any] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    """Codes of the checks that ran but found this answer outside their scope (missing-star on a
    non-behavioural question...): left out of those checks' pass rates in the summary."""

    @property
    def text(self) -> str:
        return self.answer.text

    @property
    def question_known(self) -> bool:
        """False for an answer to a question the recording does not hold (it starts mid-answer, or a
        self-practice answer came before any question read aloud): ``question`` is null in the JSON."""
        return bool(self.question.text.strip())


@dataclass
class Report:
    """The result of analysing one session."""

    input: dict[str, Any]
    speakers: dict[str, str]
    answers: list[Answer]
    small_talk: list[Utterance] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    """Flags of session-level rules (no questions for the interviewer, trouble with the audio...)."""
    metrics: dict[str, Any] = field(default_factory=dict)
    """Session-level rules' metrics, under each rule's namespace."""
    settings: dict[str, Any] = field(default_factory=dict)
    tool: dict[str, str] = field(default_factory=dict)
    transcript: Transcript | None = None
    schema_version: int = SCHEMA_VERSION
    notes: list[str] = field(default_factory=list)
    """What the reader should know about how the session was read (an answer whose question was not recorded...)."""
    """Its JSON form is :func:`analyzer.report.json.report_to_dict`."""
