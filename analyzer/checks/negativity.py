"""employer-negativity: badmouthing a former (or current) employer, manager, colleagues or clients.

Each sentence and clause of the answer is scored by a classifier trained on written and real spoken
examples (card in ``models/negativity.md``); clauses at or above the threshold are annotated
``negativity`` and evidence one flag whose severity follows the harshest clause (a hostile remark,
as the learned intensity model rates it, makes it an error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, flag, span
from analyzer.datamodel import Annotation, Answer

if TYPE_CHECKING:
    from spacy.tokens import Span

LEAVE = "Why did you leave your last job?"


def _unit_texts(ctx: AnswerContext) -> list[str]:
    """The units the classifier scores, as the sentence encoder reads them (``RULE.sentences``)."""
    from analyzer.text.clauses import units_of

    return [ctx.doc[u.start : u.end].text for u in units_of(ctx.doc)]


RULE = Rule(
    code="employer-negativity",
    name="Negative talk about a former employer",
    summary="Answer criticises a former employer, manager, colleagues or clients",
    what="Scores every sentence and clause of the answer with a classifier trained on written interview "
    "answers and real spoken passages (sentence-encoder vectors, the workplace target found by the spaCy "
    "parse, negation, VADER sentiment; calibrated probabilities; a learned intensity). A clause "
    "counts when its probability reaches the threshold; the measured value is the answer's highest "
    "(sentence or clause), each highlighted clause shows its own. The target ('they' read against a question "
    "about a former job) and the kind of complaint are named in the message.",
    why="Interviewers weigh badmouthing of a former employer among the strongest red flags: it "
    "suggests the candidate may be hard to work with and may one day talk about them the same "
    "way. Constructive framing (what you learned, what you want next) tells the same story safely.",
    examples=(
        Example("They paid us late every month and the managers were a bunch of clowns.", LEAVE, flagged=True),
        Example("I learned a lot there, and I'm looking for a role with more ownership, which is why this one "
                "appeals to me.", LEAVE, flagged=False),
    ),
    severity="warning",
    options=(
        Option("threshold", 0.5, "Classifier probability at or above which a clause counts as employer negativity.",
               above=0, maximum=1),
    ),
    annotations=(
        AnnotationKind("negativity", "Negativity", "thick underline, bold, ⚠ badge",
                       "Negative talk about a former employer, manager or colleagues.", "⚠"),
    ),
    namespace="negativity",
    metrics=(
        Metric("probability", "The answer's highest probability of employer negativity (sentence or clause)."),
    ),
    sentences=_unit_texts,
)

INTENSITY_NAMES = {1: "mild complaint", 2: "harsh criticism", 3: "hostile remark"}

_KIND_ADVICE = {
    "pay": "If pay was a reason, state it as a forward-looking fact ('I'm looking for a role that reflects "
    "the experience I've built') and move straight on to what draws you to this job.",
    "management": "Describe the leadership you do your best work with rather than the manager you had "
    "(e.g. 'I work best with clear priorities and regular feedback') and name one thing that situation taught you.",
    "workload": "Turn the workload into what it taught you about prioritising under pressure, then say what "
    "pace and support you are looking for next.",
    "colleagues": "Show how you kept the work moving despite the team's habits (one concrete example), and "
    "describe the kind of team you want to join.",
    "clients": "Tell how you handled a demanding client and what came of it: handling difficult clients "
    "well is a skill this employer is hiring for.",
    "company": "Say what you are looking for (focus, values, room to grow) instead of what the company "
    "lacked, and tie it to this role.",
}


@dataclass(frozen=True)
class Remark:
    """One offending clause and what it says about whom."""

    start: int
    end: int
    text: str
    probability: float
    target: str
    target_group: str
    complaint: str
    intensity: int
    markers: tuple[tuple[str, str], ...]

    @property
    def description(self) -> str:
        what = INTENSITY_NAMES[self.intensity]
        if self.markers:
            what += " (" + ", ".join(f"{kind} '{words}'" for kind, words in self.markers[:3]) + ")"
        return f"{what} about {self.target}"


def _remarks(answer: Answer, ctx: AnswerContext, threshold: float) -> tuple[list[Remark], float]:
    from analyzer.detectors.negativity.features import describe_target
    from analyzer.detectors.negativity.lexicon import complaint_kind, markers_in
    from analyzer.detectors.negativity.model import load_model, offending_units

    question = answer.question.text
    scored = ctx.memo("negativity.units", lambda: load_model().score_answer(ctx.doc, question))
    top = max((u.probability for u in scored), default=0.0)
    remarks = []
    for unit in offending_units(scored, threshold):
        clause = ctx.doc.char_span(unit.start, unit.end, alignment_mode="expand")
        target, group = describe_target(clause, question)
        start, end = _verdict_phrase(clause) or (unit.start, unit.end)
        remarks.append(
            Remark(
                start=start,
                end=end,
                text=answer.answer.text[start:end],
                probability=unit.probability,
                target=target,
                target_group=group,
                complaint=complaint_kind(unit.text, group),
                intensity=unit.intensity,
                markers=tuple(markers_in(unit.text)),
            )
        )
    return remarks, top


NARROW_MIN_WORDS = 15
"""A flagged clause this long is quoted by the phrase that holds its insult, when there is one
(:func:`_verdict_phrase`)."""


def _verdict_phrase(clause: "Span") -> tuple[int, int] | None:
    """Character span of the phrase around the one insulting adjective of a long clause ("..., with
    the useless manager, we had a data warehouse, ..." -> "with the useless manager"; "where the
    incompetent director ran every meeting" for a relative clause), or None to quote the clause whole:
    it is short, has no such adjective or several, or the phrase is the clause itself."""
    from analyzer.detectors.negativity.lexicon import MARKERS

    if sum(not t.is_punct for t in clause) < NARROW_MIN_WORDS:
        return None
    insults = [t for t in clause if t.dep_ == "amod" and MARKERS["insult"].fullmatch(t.lower_)]
    if len(insults) != 1:
        return None
    noun = insults[0].head
    phrase = noun.head if noun.dep_ in {"pobj", "nsubj", "nsubjpass"} else noun
    tokens = [t for t in phrase.subtree if clause.start <= t.i < clause.end]
    first, last = tokens[0], tokens[-1]
    if first.i == clause.start and last.i == clause.end - 1:
        return None
    return first.idx, last.idx + len(last.text)


def _message(remarks: list[Remark]) -> str:
    if len(remarks) == 1:
        r = remarks[0]
        return f"{r.description[0].upper()}{r.description[1:]}: \u201c{r.text}\u201d."
    targets = list(dict.fromkeys(re.sub(r" \('\w+'\)$", "", r.target) for r in remarks))
    listed = ", ".join(targets[:-1]) + f" and {targets[-1]}" if len(targets) > 1 else targets[0]
    worst = max(r.intensity for r in remarks)
    words = list(dict.fromkeys(w for r in remarks if r.intensity == worst for _, w in r.markers))[:4]
    quoted = f" ({', '.join(repr(w) for w in words)})" if words else ""
    return f"{len(remarks)} negative remarks about {listed}; the harshest: {INTENSITY_NAMES[worst]}s{quoted}."


def _suggestion(remarks: list[Remark], question: str) -> str:
    from analyzer.text.questions import question_about_job, question_about_leaving

    worst = max(remarks, key=lambda r: (r.intensity, r.probability))
    if worst.intensity == 3:
        hostile = [w for r in remarks if r.intensity == 3 for _, w in r.markers]
        words = ", ".join(f"'{w}'" for w in list(dict.fromkeys(hostile))[:4])
        opening = (
            f"Drop the labels ({words}): running down {worst.target} makes an interviewer wonder how "
            "you would talk about them one day."
        )
    elif worst.intensity == 2:
        opening = f"Keep the facts and lose the verdict on {worst.target}."
    else:
        opening = f"Even a mild complaint about {worst.target} shifts attention away from you; keep it brief and neutral."
    kinds = list(dict.fromkeys(r.complaint for r in sorted(remarks, key=lambda r: -r.intensity)))[:2]
    advice = " ".join(_KIND_ADVICE[k] for k in kinds)
    if question_about_leaving(question):
        closing = (
            "The question invites this, so prepare a one-sentence neutral reason for leaving and spend the rest "
            "of the answer on what you learned and why this role is your next step."
        )
    elif question_about_job(question):
        closing = (
            "When asked about a past job, give a balanced picture: one thing that worked, one thing you "
            "learned, and what you are looking for now."
        )
    else:
        closing = "End on what you learned there and what you want next."
    return f"{opening} {advice} {closing}"


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    threshold = float(opts["threshold"])
    remarks, top = _remarks(answer, ctx, threshold)
    found = Findings(metrics={"probability": round(top, 3)})
    if not remarks:
        return found
    text = answer.answer.text
    for r in remarks:
        found.annotations.append(
            Annotation(
                kind="negativity",
                start=r.start,
                end=r.end,
                text=r.text,
                detail={
                    "target": r.target,
                    "complaint": r.complaint,
                    "intensity": INTENSITY_NAMES[r.intensity],
                    "probability": round(r.probability, 3),
                },
            )
        )
    worst = max(r.intensity for r in remarks)
    found.flags.append(
        flag(
            RULE,
            _message(remarks),
            _suggestion(remarks, answer.question.text),
            measure="probability",
            value=round(top, 3),  # the answer's metrics.negativity.probability; each remark's own is in detail
            threshold=threshold,
            evidence=[span(text, r.start, r.end, note=r.description) for r in remarks],
            severity="error" if worst == 3 else "warning",
            detail={
                "remarks": [
                    {
                        "target": r.target,
                        "target_group": r.target_group,
                        "complaint": r.complaint,
                        "intensity": r.intensity,
                        "markers": [list(m) for m in r.markers],
                        "probability": round(r.probability, 3),
                    }
                    for r in remarks
                ]
            },
        )
    )
    return found
