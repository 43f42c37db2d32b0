"""filler-words: too many "um", "uh", "like", "you know" for the length of the answer.

Density is per minute of the answer when it has timings, else per 100 words. Every filler
gets a ``filler`` annotation whether or not the flag fires.

Metrics: ``fillers`` (count), ``fillers_per_100_words``, ``fillers_per_minute`` (``None``
without timings).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from analyzer.checks.base import AnswerContext, Findings, Option, Rule, fillers_for, flag, span
from analyzer.datamodel import Annotation, Answer
from analyzer.detectors.fillers.lexicon import HESITATIONS
from analyzer.detectors.fillers.model import filler_density

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
    example_bad="'So, um, I was, like, leading the, you know, migration, and, uh, basically it, um, went well.'",
    example_good="'I led the migration of our billing service. It shipped two weeks early.'",
    severity="warning",
    options=(
        Option("max-per-minute", 5.0, "Fillers per minute above which the flag fires (timed input)."),
        Option("severe-per-minute", 12.0, "Fillers per minute from which the flag is an error."),
        Option("max-per-100-words", 3.3, "Fillers per 100 words above which the flag fires (text "
               "without timings; 5 a minute at a conversational 150 words a minute)."),
        Option("severe-per-100-words", 8.0, "Fillers per 100 words from which the flag is an error."),
        Option("min-words", 25, "Answers shorter than this are annotated but never flagged (and left out "
               "of the check's pass rate: too short to judge)."),
        Option("min-fillers", 3, "Fewer fillers than this are annotated but never flagged (two 'um's in a "
               "ten-second answer are 12 a minute, but no listener would mind)."),
    ),
    annotations=("filler",),
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


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    fillers: list[Annotation] = fillers_for(ctx)
    density = filler_density(fillers, answer.answer.text, answer.answer.duration_s)
    found = Findings(annotations=list(fillers), metrics=density.metrics())
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
