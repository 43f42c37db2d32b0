"""filler-words: too many "um", "uh", "like", "you know" for the length of the answer.

Density is per minute of the answer when it has timings, else per 100 words. Every filler
gets a ``filler`` annotation whether or not the flag fires. The filler list (``add``, ``remove``)
is this rule's option and every check that looks at fillers shares it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Sequence

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, SessionMetric, flag, span
from analyzer.datamodel import Annotation, Answer
from analyzer.detectors.fillers.model import filler_density
from analyzer.text.lexicon import HESITATIONS
from analyzer.text.tokens import count_words


def _pooled_per_minute(answers: Sequence[Answer], namespace: str) -> float | None:
    timed = [(a.metrics[namespace]["count"], a.answer.duration_s) for a in answers
             if namespace in a.metrics and a.answer.duration_s]
    return round(60 * sum(f for f, _ in timed) / sum(d for _, d in timed), 2) if timed else None


def _pooled_per_100_words(answers: Sequence[Answer], namespace: str) -> float | None:
    counted = [(a.metrics[namespace]["count"], count_words(a.answer.text)) for a in answers if namespace in a.metrics]
    words = sum(w for _, w in counted)
    return round(100 * sum(f for f, _ in counted) / words, 2) if words else None


RULE = Rule(
    code="filler-words",
    name="Filler words",
    summary="Too many filler words such as 'um', 'uh', 'like' or 'you know'",
    what="Finds hesitations (um, uh, er, hmm...) and discourse fillers used as fillers (like, "
    "you know, I mean, so, basically...) in context, and measures their density: per minute "
    "of the answer when timings are known, else per 100 words.",
    why="Listeners judge a speaker with many fillers as less prepared and less confident; "
    "studies of public speaking put the point where it starts to hurt at about 5 fillers "
    "a minute, and most listeners notice it strongly around 12.",
    examples=(
        Example("So, um, I was, uh, leading the migration of our billing service, and, um, it was, like, a lot of "
                "work, you know, but, uh, we, um, basically shipped it two weeks early and, uh, the team was happy.",
                "Tell me about a project you led.", flagged=True),
        Example("I led the migration of our billing service. It shipped two weeks early, and support tickets about "
                "failed payments fell by a third in the first month after the launch.",
                "Tell me about a project you led.", flagged=False),
        Example("Um, yes, I do, uh, have a driving licence.", "Do you have a driving licence?", flagged=False),
    ),
    severity="warning",
    options=(
        Option("max-per-minute", 5.0, "Fillers per minute above which the flag fires (timed input).", minimum=0),
        Option("severe-per-minute", 12.0, "Fillers per minute from which the flag is an error.", minimum=0),
        Option("max-per-100-words", 3.3, "Fillers per 100 words above which the flag fires (text "
               "without timings; 5 a minute at a conversational 150 words a minute).", minimum=0),
        Option("severe-per-100-words", 8.0, "Fillers per 100 words from which the flag is an error.", minimum=0),
        Option("min-words", 25, "Answers shorter than this are annotated but never flagged (and left out "
               "of the check's pass rate: too short to judge).", minimum=0),
        Option("min-fillers", 3, "Fewer fillers than this are annotated but never flagged (two 'um's in a "
               "ten-second answer are 12 a minute, but no listener would mind).", minimum=0),
        Option("add", [], "Words or phrases to count as fillers too (one the model knows, such as 'just', is "
               "judged in context; any other counts wherever it occurs). Every check that looks at fillers uses "
               "this list."),
        Option("remove", [], "Words never to count as fillers."),
    ),
    annotations=(
        AnnotationKind("filler", "Filler word", "wavy underline",
                       "A filler such as 'um', 'uh' or a 'like' that carries no meaning."),
    ),
    namespace="fillers",
    metrics=(
        Metric("count", "Fillers in the answer."),
        Metric("per_100_words", "Fillers per 100 words."),
        Metric("per_minute", "Fillers per minute of the answer (null without timings)."),
    ),
    session_metrics=(
        SessionMetric("fillers_per_minute", "Filler words per minute of answer time (timed inputs)",
                      _pooled_per_minute, trend="Fillers per minute"),
        SessionMetric("fillers_per_100_words", "Filler words per 100 answer words",
                      _pooled_per_100_words, trend="Fillers per 100 words"),
    ),
)


def _suggestion(counts: Counter[str]) -> str:
    top = [w for w, _ in counts.most_common(3)]
    quoted = ", ".join(f"'{w}'" for w in top)
    hesitations = sum(n for w, n in counts.items() if w in HESITATIONS)
    if hesitations * 2 >= sum(counts.values()):
        return (
            f"Your most frequent fillers are {quoted}. Replace them with a silent pause: a one-second "
            "pause sounds composed, a filled one sounds unsure. Prepare the first sentence of common "
            "answers so you do not search for words at the start, and record a practice answer to hear them."
        )
    return (
        f"Your most frequent fillers are {quoted}. Say the sentence again without them: each one can "
        "simply be dropped, or replaced by a short pause. Slow down a little at the start of each "
        "point, and record a practice answer to catch them."
    )


def fillers_for(ctx: AnswerContext) -> list[Annotation]:
    """The fillers of the context's answer, detected once and shared between checks, with the
    list this rule's options set (``add``, ``remove``) whether or not the rule itself runs."""

    def compute() -> list[Annotation]:
        from analyzer.detectors.fillers.model import detect_fillers

        utterance = ctx.answer.answer
        configured = ctx.options.get(RULE.code, {})
        return detect_fillers(
            ctx.doc,
            {key: configured[key] for key in ("add", "remove") if configured.get(key)},
            words=utterance.words,
            silences=ctx.silences_within(utterance.start_s, utterance.end_s),
        )

    return ctx.memo("fillers", compute)


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    fillers: list[Annotation] = fillers_for(ctx)
    density = filler_density(fillers, answer.answer.text, answer.answer.duration_s)
    found = Findings(annotations=list(fillers), metrics={
        "count": density.count,
        "per_100_words": round(density.per_100_words, 2),
        "per_minute": None if density.per_minute is None else round(density.per_minute, 2),
    })
    if density.words < opts["min-words"]:
        found.assessed = False  # too short for a density to mean anything: neither passed nor failed
        return found
    if len(fillers) < opts["min-fillers"]:
        return found
    if density.per_minute is not None:
        value, limit, severe = density.per_minute, opts["max-per-minute"], opts["severe-per-minute"]
        measure, unit = "fillers_per_minute", "a minute"
    else:
        value, limit, severe = density.per_100_words, opts["max-per-100-words"], opts["severe-per-100-words"]
        measure, unit = "fillers_per_100_words", "per 100 words"
    if value <= limit:
        return found
    counts = Counter(a.detail["word"] for a in fillers)
    listing = ", ".join(f"'{w}' ×{n}" for w, n in counts.most_common())
    basis = f"{density.words} words" + (
        f" in {answer.answer.duration_s:.0f} s" if density.per_minute is not None else ""
    )
    found.flags.append(
        flag(
            RULE,
            f"{len(fillers)} fillers in {basis}: {value:.1f} {unit}, above the threshold of {limit:g} "
            f"({listing}).",
            _suggestion(counts),
            measure=measure,
            value=value,
            threshold=limit,
            severity="error" if value >= severe else None,
            evidence=[span(answer.answer.text, a.start, a.end, note=a.detail["word"]) for a in fillers],
            detail={"counts": dict(counts.most_common())},
        )
    )
    return found
