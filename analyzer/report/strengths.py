"""What went well: strengths read from an answer's (or the session's) metrics, flags and text.

Strengths are derived, not measured anew: each one names the metric behind it, so a report of any
schema version (``metrics`` of the rules that ran) gives the same list. An answer may show:

* ``star``: a complete STAR story (``metrics.star.missing`` empty on a behavioural question);
* ``concise``: to the point: 15 to 120 words (200 for a story) and no warning or error but a missing STAR part;
* ``numbers``: specific figures ("30 percent", "four days early"), said without a hedge;
* ``enthusiasm``: ``metrics.enthusiasm.score`` of at least 65 and no ``low-enthusiasm`` flag.

The session shows ``questions`` when the candidate asked the interviewer questions
(``metrics.candidate_questions.questions``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from analyzer.datamodel import Answer

CONCISE_MIN_WORDS = 15
CONCISE_MAX_WORDS = {"behavioural": 200}
CONCISE_MAX_WORDS_OTHER = 120
ENTHUSIASM_MIN_SCORE = 65.0

_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
                 "sixty|seventy|eighty|ninety|hundred|thousand|million|half|double|triple")
_UNITS = (r"(%|percent|per ?cent|x\b|times|ms|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
          r"users|customers|clients|people|engineers|developers|requests|tickets|releases|bugs|errors|stores|"
          r"dollars|euros|pounds|k\b|million|thousand|hundred)")
_FIGURE = re.compile(rf"(?<![\w.])(\$|€|£)?(\d[\d,.]*|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)\s*{_UNITS}"
                     rf"|(?<![\w.])(\$|€|£)\d[\d,.]*", re.I)
_HEDGED = re.compile(r"\b(maybe|like|sort of|kind of|or|guess|roughly|probably)\s*[,]?\s*$", re.I)


def figures(text: str) -> list[tuple[int, int, str]]:
    """Specific figures in ``text`` ("30 percent", "four days", "$2 million") not said with a hedge."""
    out = []
    for m in _FIGURE.finditer(text):
        if _HEDGED.search(text[max(0, m.start() - 12):m.start()]):
            continue
        out.append((m.start(), m.end(), m.group().strip()))
    return out


def _words(answer: Mapping[str, Any]) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", answer["answer"]["text"]))


def answer_strengths(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The strengths of one answer in its JSON form: ``{"kind", "label", "detail", "evidence"}``."""
    metrics = answer.get("metrics") or {}
    flagged = {f["code"] for f in answer.get("flags") or []}
    kind = answer.get("question_kind")
    out: list[dict[str, Any]] = []
    star = metrics.get("star")
    if kind == "behavioural" and star and not star.get("missing") and len(star.get("parts_present") or ()) >= 4:
        measurable = " with a measurable result" if star.get("result_measurable") else ""
        out.append({"kind": "star", "label": "Complete STAR story",
                    "detail": f"Situation, task, action and result are all there{measurable}.",
                    "evidence": "metrics.star.missing"})
    words = _words(answer)
    limit = CONCISE_MAX_WORDS.get(kind or "", CONCISE_MAX_WORDS_OTHER)
    serious = {f["code"] for f in answer.get("flags") or [] if f.get("severity", "warning") != "info"} - {"missing-star"}
    if "rambling" in metrics and not serious and CONCISE_MIN_WORDS <= words <= limit:
        out.append({"kind": "concise", "label": "Concise answer",
                    "detail": f"{words} words, to the point (up to {limit} for this kind of question).",
                    "evidence": "metrics.rambling.words"})
    found = figures(answer["answer"]["text"])
    if found and "non-answer" not in flagged:
        quoted = ", ".join(f"\u201c{text}\u201d" for _, _, text in found[:4])
        out.append({"kind": "numbers", "label": "Specific numbers", "detail": f"Backed with figures: {quoted}.",
                    "evidence": [text for _, _, text in found]})
    score = (metrics.get("enthusiasm") or {}).get("score")
    if score is not None and score >= ENTHUSIASM_MIN_SCORE and "low-enthusiasm" not in flagged:
        out.append({"kind": "enthusiasm", "label": "Enthusiasm",
                    "detail": f"Enthusiasm score {score:.0f}/100.", "evidence": "metrics.enthusiasm.score"})
    return out


def session_strengths(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Strengths of the whole session: the questions the candidate asked the interviewer."""
    questions = ((report.get("metrics") or {}).get("candidate_questions") or {}).get("questions") or []
    if not questions:
        return []
    n = len(questions)
    return [{"kind": "questions", "label": "Asked the interviewer questions",
             "detail": f"{n} question{'s' if n != 1 else ''} for the interviewer: "
             + "; ".join(f"\u201c{q}\u201d" for q in questions[:3]) + ".",
             "evidence": list(questions)}]


def strengths_of(answer: Answer) -> list[dict[str, Any]]:
    """:func:`answer_strengths` of an :class:`Answer` (the Markdown report's view)."""
    return answer_strengths({"answer": {"text": answer.answer.text}, "metrics": answer.metrics,
                             "flags": [{"code": f.code, "severity": f.severity} for f in answer.flags], "question_kind": answer.question_kind})
