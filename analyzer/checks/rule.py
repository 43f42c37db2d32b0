"""What a check declares about itself: one :class:`Rule`, the single source of truth for its flag code.

A rule carries its code and severity, its documentation, its typed options (defaults and ranges,
validated here and nowhere else), the annotation kinds it emits with their display style, the
metrics it writes (under ``metrics.<namespace>``), the session numbers the batch summary pools from
them, and example rows that ``tests/test_rules.py`` runs for every rule. The renderers, the batch
and the command line read all of this from the rules, never from copies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

from analyzer.datamodel import Flag, Severity, Span
from analyzer.errors import ConfigError

if TYPE_CHECKING:
    from analyzer.datamodel import Answer

Scope = Literal["answer", "session"]


@dataclass(frozen=True)
class Option:
    """A configurable threshold or setting of a rule (``[tool.interview-analyzer.<code>]``).

    Its type is the default's: a finite number (int or float accepted; ``whole``: int only), a boolean,
    a string, or a list of strings (a single string is taken as a one-item list). ``minimum``/``maximum``
    bound a number (``above`` excludes the bound); ``choices`` limits a string or the items of a list.
    """

    name: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    choices: tuple[str, ...] | None = None
    whole: bool = False

    @property
    def kind(self) -> str:
        if isinstance(self.default, bool):
            return "boolean"
        if isinstance(self.default, (int, float)):
            return "number"
        if isinstance(self.default, (list, tuple)):
            return "list"
        return "string"

    def validate(self, code: str, value: Any) -> Any:
        """``value`` checked against the option's type and range; a :class:`ConfigError` names the option."""
        where = f"option {code}.{self.name}"
        if self.kind == "number":
            if not isinstance(value, int if self.whole else (int, float)) or isinstance(value, bool):
                raise ConfigError(f"{where} must be a {'whole ' if self.whole else ''}number, got {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"{where} must be a finite number, got {value!r}")
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum) \
                    or (self.above is not None and value <= self.above):
                raise ConfigError(f"{where} must be {self.range_text()}, got {value!r}")
            return value
        if self.kind == "list":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
                raise ConfigError(f"{where} must be a list of words, got {value!r}")
            unknown = [v for v in items if self.choices is not None and v not in self.choices]
            if unknown:
                raise ConfigError(f"{where}: unknown value(s) {', '.join(unknown)}; use {', '.join(self.choices or ())}")
            return list(items)
        if not isinstance(value, type(self.default)):
            raise ConfigError(f"{where} must be {type(self.default).__name__}, got {value!r}")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{where} must be one of {', '.join(self.choices)}, got {value!r}")
        return value

    def range_text(self) -> str:
        """The allowed numbers in words ("a number above 0 and at most 1")."""
        bounds = [f"{word} {value:g}" for word, value in
                  (("above", self.above), ("at least", self.minimum), ("at most", self.maximum)) if value is not None]
        return " ".join(["a whole number" if self.whole else "a number", " and ".join(bounds)]).strip()


@dataclass(frozen=True)
class AnnotationKind:
    """A kind of highlight a rule puts on answers, and how the HTML report shows it: a label, a
    non-colour cue, a short explanation and optionally an inline badge where it starts."""

    kind: str
    label: str
    cue: str
    description: str
    marker: str | None = None


@dataclass(frozen=True)
class Metric:
    """A number a rule writes for each answer it runs on, as ``metrics.<namespace>.<name>``."""

    name: str
    help: str


@dataclass(frozen=True)
class SessionMetric:
    """A session-level number the batch summary pools from the rule's answer metrics (a column of
    ``summary.csv``; with ``trend``, also a chart of each candidate's sessions over time)."""

    name: str
    help: str
    pool: Callable[[Sequence["Answer"], str], float | None]
    """The number from the session's answers and the rule's metrics namespace (None: does not apply)."""
    trend: str | None = None
    out_of_100: bool = False


@dataclass(frozen=True)
class Example:
    """An example row: an answer to a question, and whether the rule flags it. ``tests/test_rules.py``
    runs each through the whole pipeline, as the transcript ``Interviewer: question / Candidate:
    answer`` (or ``transcript``, a whole labelled transcript, for a rule about the session); the first
    flagged and the first clean one document the rule."""

    answer: str
    question: str
    flagged: bool
    transcript: str | None = None

    def as_transcript(self) -> str:
        return self.transcript or f"Interviewer: {self.question}\nCandidate: {self.answer}\n"


@dataclass(frozen=True)
class Rule:
    """Everything about one flag code, printed by ``interview-analyzer rules CODE``."""

    code: str
    name: str
    summary: str
    what: str
    why: str
    examples: tuple[Example, ...]
    severity: Severity = "warning"
    scope: Scope = "answer"
    """``answer``: ``check(answer, ctx, opts)`` runs once per answer; ``session``:
    ``check(session, opts)`` runs once per session (see :mod:`analyzer.checks.context`)."""
    options: tuple[Option, ...] = ()
    annotations: tuple[AnnotationKind, ...] = ()
    namespace: str | None = None
    """The key of the rule's metrics under ``metrics`` (``None``: it writes none)."""
    metrics: tuple[Metric, ...] = ()
    session_metrics: tuple[SessionMetric, ...] = ()
    status: str = "stable"
    needs_audio: bool = False
    """Measures the recording: a transcript never reaches it, so its flagged cases are tested on
    recordings (``tests/test_audio_quality.py``) instead of example rows."""
    since: str = "0.1.0"
    sentences: Callable[[Any], Sequence[str]] | None = None
    """An answer rule's texts for the sentence encoder (:func:`analyzer.text.encoder.load_encoder`), given the
    answer's ``AnswerContext``: the pipeline encodes those of every answer in one batched call before the
    checks run (:mod:`analyzer.checks.prepare`). A speed-up only: a text left out is encoded when asked."""

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def option(self, name: str) -> Option:
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(f"rule {self.code!r} has no option {name!r}")

    def validate_options(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` checked against the options (unknown names and bad values are a :class:`ConfigError`)."""
        known = {o.name: o for o in self.options}
        out = {}
        for name, value in values.items():
            if name not in known:
                raise ConfigError(
                    f"unknown option {name!r} for rule {self.code!r}; valid: {', '.join(known) or 'none'}"
                )
            out[name] = known[name].validate(self.code, value)
        return out

    @property
    def example_bad(self) -> Example:
        return self._example(flagged=True)

    @property
    def example_good(self) -> Example:
        return self._example(flagged=False)

    def _example(self, *, flagged: bool) -> Example:
        for example in self.examples:
            if example.flagged is flagged:
                return example
        raise LookupError(f"rule {self.code!r} has no {'flagged' if flagged else 'passing'} example")


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
