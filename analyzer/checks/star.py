"""missing-star: a behavioural answer that does not tell a complete STAR story.

Each clause of the answer is labelled situation, task, action, result or other by the
trained model in ``models/star.joblib`` (see ``models/star.md``); the STAR parts are
annotated, and the flag names the parts that are missing, plus hints about too much
background, a result without numbers and actions told with "we" instead of "I".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, SessionMetric, flag, span
from analyzer.datamodel import Annotation, Answer, Flag, QuestionKind, Span, Utterance
from analyzer.detectors.star import STAR_PARTS, TaggedSegment, tag_answer
from analyzer.text.clauses import Segment, segment_answer
from analyzer.text.tokens import count_words


def _pooled_coverage(answers: Sequence[Answer], namespace: str) -> float | None:
    """Mean share of the four parts found in the answers the check assessed (an Action told only with
    "we" is found, yet missing)."""
    found = [a.metrics[namespace] for a in answers if isinstance(a.metrics.get(namespace, {}).get("parts_present"), list)]
    shares = [len((set(m["parts_present"]) - set(m.get("missing") or [])) & set(STAR_PARTS)) / len(STAR_PARTS)
              for m in found]
    return round(100 * sum(shares) / len(shares), 1) if shares else None


def _clauses(ctx: AnswerContext) -> list[Segment]:
    """The answer's clauses, segmented once per answer."""
    return ctx.memo("star.clauses", lambda: segment_answer(ctx.doc))


def _clause_texts(ctx: AnswerContext) -> list[str]:
    """The clauses the model encodes, for an answer the check assesses (``RULE.sentences``: encoded for the whole
    session at once)."""
    kinds = ctx.options.get(RULE.code, {}).get("question-kinds", RULE.defaults()["question-kinds"])
    return [clause.text for clause in _clauses(ctx)] if ctx.answer.question_kind in kinds else []


BEHAVIOURAL_CLIENT = "Tell me about a time you dealt with a difficult client."

RULE = Rule(
    code="missing-star",
    name="Incomplete STAR story",
    summary="Behavioural answer lacks a Situation, Task, Action or Result",
    what="Labels every clause of a behavioural answer as situation, task, action, result or other with a "
    "trained classifier (an action is only ever a past deed of the speaker, told with 'I' or 'we'), "
    "annotates the STAR parts, and flags the parts that are missing. Actions told only "
    "with 'we' do not count as your own actions. A missing Task alone, often implied by the situation, is "
    "reported at info level. Hints: the share of words spent on the situation, a result "
    "without any number, and the share of actions told with 'we'.",
    why="Behavioural questions ('Tell me about a time...') are scored on what you personally did and what "
    "came of it. Stories that stop before the result, hide the candidate behind 'we', or spend most of the "
    "time on background leave the interviewer without the evidence they are listening for.",
    examples=(
        Example("We had a big client who was unhappy with us. We set up more meetings with them. That whole year was "
                "hard.",
                BEHAVIOURAL_CLIENT, flagged=True),
        Example("Our biggest client threatened to leave after three late deliveries. I had to keep the account. "
                "I visited them the next day and offered a fixed weekly production slot. They stayed and grew "
                "their orders by 20%.", BEHAVIOURAL_CLIENT, flagged=False),
        Example("I use Python and SQL every day.", "Which languages do you use?", flagged=False),
    ),
    severity="warning",
    options=(
        Option("question-kinds", [QuestionKind.BEHAVIOURAL.value], "Question kinds whose answers are checked "
               "(the others are left out of the check's pass rate).", choices=tuple(k.value for k in QuestionKind)),
        Option("required-parts", list(STAR_PARTS), "STAR parts an answer must contain (any of situation, task, "
               "action, result).", choices=STAR_PARTS),
        Option("max-situation-share", 0.5, "Hint when situation clauses take more than this share of the words.",
               minimum=0, maximum=1),
        Option("max-we-action-share", 0.5, "Hint when more than this share of the action clauses have 'we' as "
               "subject (when none has 'I', the Action counts as missing).", minimum=0, maximum=1),
        Option("measurable-result", True, "Hint when no result clause contains a number or amount."),
        Option("flag-hints", True, "Raise an info-level flag for hints even when all required parts are present."),
    ),
    annotations=tuple(
        AnnotationKind(part, title, f"tinted, '{title[0]}' badge", description, title[0])
        for part, title, description in (
            ("situation", "Situation", "STAR: the context of the story."),
            ("task", "Task", "STAR: what the candidate had to achieve."),
            ("action", "Action", "STAR: what the candidate personally did."),
            ("result", "Result", "STAR: the outcome, ideally measured."),
        )
    ),
    namespace="star",
    sentences=_clause_texts,
    metrics=(
        Metric("parts_present", "STAR parts with at least one clause."),
        Metric("missing", "Required parts the answer lacks (an Action told only with 'we' counts as missing)."),
        Metric("actions_only_we", "Every action clause says 'we' and none 'I' (the Action then counts as missing)."),
        Metric("shares", "Share of the answer's words in each part."),
        Metric("situation_share", "Share of the words in situation clauses."),
        Metric("action_we_share", "Share of the action clauses told with 'we' (null without actions)."),
        Metric("result_measurable", "Whether a result clause holds a number or amount (null without a result)."),
        Metric("clauses", "Clauses in the answer."),
    ),
    session_metrics=(
        SessionMetric("star_coverage", "Mean share of the four STAR parts found in the answers the STAR check "
                      "assessed, %", _pooled_coverage, trend="STAR coverage (%)", out_of_100=True),
    ),
)

_TITLES = {kind.kind: kind.label for kind in RULE.annotations}
_ADVICE = {
    "situation": "Open with one or two sentences of context: where you were and what was at stake.",
    "task": "Say what you personally had to achieve or were responsible for.",
    "action": "Walk through the steps you took yourself, with 'I' and concrete verbs.",
    "result": "Finish with the outcome: what changed, in numbers where you can (time saved, %, money, "
    "customers), and what you learned.",
    "we-action": "Say what you did yourself ('I rewrote...', 'I called...'); credit the team once, "
    "then tell your part.",
    "situation-share": "Cut the background to two or three sentences and spend that time on your actions.",
    "measurable": "Put a number on the result: a percentage, time or money saved, or a before-and-after.",
}


@dataclass(frozen=True)
class _Hint:
    name: str
    measure: str
    value: float
    threshold: float
    text: str
    evidence: tuple[Span, ...]


def _annotations(utterance: Utterance, tags: list[TaggedSegment]) -> list[Annotation]:
    """One annotation per run of adjacent clauses with the same STAR label."""
    runs: list[list[TaggedSegment]] = []
    for tag in tags:
        if runs and runs[-1][-1].label == tag.label:
            runs[-1].append(tag)
        else:
            runs.append([tag])
    out = []
    for run in runs:
        label = run[0].label
        if label not in STAR_PARTS:
            continue
        start, end = run[0].segment.start, run[-1].segment.end
        start_s, end_s = utterance.time_span(start, end)
        out.append(
            Annotation(
                kind=label,
                start=start,
                end=end,
                text=utterance.text[start:end],
                start_s=start_s,
                end_s=end_s,
                detail={
                    "confidence": round(sum(t.confidence for t in run) / len(run), 3),
                    "clauses": len(run),
                },
            )
        )
    return out


def _join(parts: list[str]) -> str:
    """"Situation, Task and Action"; "none" for no parts (required-parts = [] in the configuration)."""
    names = [_TITLES.get(p, p) for p in parts]
    if len(names) <= 1:
        return names[0] if names else "none"
    return ", ".join(names[:-1]) + " and " + names[-1]


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    if answer.question_kind not in opts["question-kinds"]:
        return Findings(assessed=False)
    text = answer.answer.text
    tags: list[TaggedSegment] = ctx.memo("star.tags", lambda: tag_answer(ctx.doc, segments=_clauses(ctx)))
    found = Findings(annotations=_annotations(answer.answer, tags))
    if not tags:
        return found

    by_label: dict[str, list[TaggedSegment]] = {p: [t for t in tags if t.label == p] for p in STAR_PARTS}
    total_words = max(sum(count_words(t.segment.text) for t in tags), 1)
    shares = {p: sum(count_words(t.segment.text) for t in by_label[p]) / total_words for p in STAR_PARTS}
    actions = by_label["action"]
    we_actions = [t for t in actions if t.subject == "we"]
    i_actions = [t for t in actions if t.subject == "i"]
    we_share = len(we_actions) / len(actions) if actions else 0.0
    results = by_label["result"]
    result_measured = any(t.has_number for t in results) if results else None
    present = [p for p in STAR_PARTS if by_label[p]]
    required = [p for p in STAR_PARTS if p in opts["required-parts"]]
    missing = [p for p in required if not by_label[p]]
    actions_hidden = "action" in required and bool(actions) and not i_actions and bool(we_actions)
    if actions_hidden:
        missing.append("action")
        missing.sort(key=STAR_PARTS.index)

    found.metrics = {
        "parts_present": present,
        "missing": missing,
        "actions_only_we": actions_hidden,
        "shares": {p: round(s, 3) for p, s in shares.items()},
        "situation_share": round(shares["situation"], 3),
        "action_we_share": round(we_share, 3) if actions else None,
        "result_measurable": result_measured,
        "clauses": len(tags),
    }

    hints: list[_Hint] = []
    max_situation = float(opts["max-situation-share"])
    if shares["situation"] > max_situation:
        hints.append(
            _Hint(
                "situation-share",
                "situation_share",
                shares["situation"],
                max_situation,
                f"the situation takes {shares['situation']:.0%} of the words (limit {max_situation:.0%})",
                tuple(span(text, t.segment.start, t.segment.end, "situation") for t in by_label["situation"]),
            )
        )
    we_evidence = tuple(span(text, t.segment.start, t.segment.end, "action told with 'we'") for t in we_actions)
    max_we = float(opts["max-we-action-share"])
    if actions and we_share > max_we:
        hints.append(
            _Hint(
                "we-action",
                "action_we_share",
                we_share,
                max_we,
                f"{len(we_actions)} of {len(actions)} action clauses say 'we', {len(i_actions)} say 'I' "
                f"(limit {max_we:.0%} 'we')",
                we_evidence,
            )
        )
    if opts["measurable-result"] and results and not result_measured:
        hints.append(
            _Hint(
                "measurable",
                "result_numbers",
                0.0,
                1.0,
                "the result has no number or amount in it",
                tuple(span(text, t.segment.start, t.segment.end, "result without a number") for t in results),
            )
        )

    if missing:
        found.flags.append(
            _missing_flag(text, tags, by_label, required, missing, we_evidence if actions_hidden else (), hints)
        )
    elif hints and opts["flag-hints"]:
        found.flags.append(_hint_flag(required, hints))
    return found


def _missing_evidence(text: str, part: str, tags: list[TaggedSegment], by_label: dict[str, list[TaggedSegment]]) -> Span:
    """Where the missing part was expected: the opening clause for situation/task, the end for a result."""
    if part == "result":
        last = tags[-1].segment
        return span(text, last.start, last.end, "the answer ends here without a result")
    if part == "action":
        after = by_label["task"] or by_label["situation"] or tags[:1]
        seg = after[-1].segment
        return span(text, seg.start, seg.end, "no action of your own follows")
    first = tags[0].segment
    return span(text, first.start, first.end, f"no {part} stated")


def _missing_flag(
    text: str,
    tags: list[TaggedSegment],
    by_label: dict[str, list[TaggedSegment]],
    required: list[str],
    missing: list[str],
    hidden_actions: tuple[Span, ...],
    hints: list[_Hint],
) -> Flag:
    """The flag for missing parts; ``hidden_actions`` are the 'we' action clauses when no action
    is told with 'I' (the Action then counts as missing, with them as evidence)."""
    actions_hidden = bool(hidden_actions)
    found_parts = [p for p in required if p not in missing]
    names = [f"{_TITLES[p]} (only 'we' actions, none with 'I')" if p == "action" and actions_hidden else _TITLES[p]
             for p in missing]
    message = f"STAR story is missing the {_join(names)}"
    message += f"; found {_join(found_parts)}." if found_parts else "; no STAR part found."
    own_hints = [h for h in hints if not (actions_hidden and h.name == "we-action")]
    if own_hints:
        message += " Also: " + "; ".join(h.text for h in own_hints) + "."
    evidence: list[Span] = []
    advice: list[str] = []
    for part in missing:
        if part == "action" and actions_hidden:
            evidence.extend(hidden_actions)
            advice.append(_ADVICE["we-action"])
        else:
            evidence.append(_missing_evidence(text, part, tags, by_label))
            advice.append(_ADVICE[part])
    for hint in own_hints:
        evidence.extend(hint.evidence)
        advice.append(_ADVICE[hint.name])
    return flag(
        RULE,
        message,
        " ".join(advice),
        severity="info" if missing == ["task"] else None,
        measure="star_parts_present",
        value=len(found_parts),
        threshold=len(required),
        evidence=_unique(evidence),
        detail={
            "missing": missing,
            "present": found_parts,
            "actions_only_we": actions_hidden,
            "hints": [_hint_detail(h) for h in own_hints],
        },
    )


def _hint_flag(required: list[str], hints: list[_Hint]) -> Flag:
    main = hints[0]
    message = f"STAR parts all present ({_join(required)}), but " + "; ".join(h.text for h in hints) + "."
    return flag(
        RULE,
        message,
        " ".join(_ADVICE[h.name] for h in hints),
        measure=main.measure,
        value=main.value,
        threshold=main.threshold,
        evidence=_unique([e for h in hints for e in h.evidence]),
        severity="info",
        detail={"missing": [], "present": list(required), "actions_only_we": False,
                "hints": [_hint_detail(h) for h in hints]},
    )


def _hint_detail(hint: _Hint) -> dict[str, Any]:
    return {"hint": hint.name, "measure": hint.measure, "value": round(hint.value, 3), "threshold": hint.threshold}


def _unique(spans: list[Span]) -> list[Span]:
    seen: set[tuple[int, int]] = set()
    out = []
    for s in spans:
        if (s.start, s.end) not in seen:
            seen.add((s.start, s.end))
            out.append(s)
    return out
