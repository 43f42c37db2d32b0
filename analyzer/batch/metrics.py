"""The summary numbers of one analysed session, pooled over its answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.text.tokens import count_words

if TYPE_CHECKING:
    from analyzer.datamodel import Answer, Report

FILLER_CODE = "filler-words"
STAR_CODE = "missing-star"
STAR_PARTS = ("situation", "task", "action", "result")

METRIC_COLUMNS: dict[str, str] = {
    "candidate_words": "Words spoken by the candidate",
    "words_per_minute": "Answer words per minute of answer speaking time (timed inputs only)",
    "fillers_per_minute": "Filler words per minute of answer time (timed inputs)",
    "fillers_per_100_words": "Filler words per 100 answer words",
    "star_coverage": "Mean share of the four STAR parts found in the answers the STAR check assessed, %",
    "enthusiasm": "Mean enthusiasm score of the answers, 0-100 (enthusiasm check enabled)",
    "score": "The report's score: mean pass rate of the enabled checks, each over the answers it assessed, 0-100",
}
"""Session-level numbers in the summary, in column order; a value is empty when it does not apply."""


def session_metrics(report: "Report") -> dict[str, Any]:
    """Summary numbers of one analysed session (see :data:`METRIC_COLUMNS`), pooled over its answers.

    Uses the answers' metrics where the checks wrote them (``words``, ``speech_s``, ``fillers``,
    ``star``, ``enthusiasm``) and leaves a number empty when no check measured it."""
    checks = report.summary.get("checks", {})
    answers = report.answers
    words = [_int_metric(a, "words") if _int_metric(a, "words") is not None else count_words(a.answer.text)
             for a in answers]
    durations = [a.answer.duration_s for a in answers]
    speaking = [a.metrics.get("speech_s") or d for a, d in zip(answers, durations)]
    out: dict[str, Any] = {key: None for key in METRIC_COLUMNS}
    out["candidate_words"] = report.summary.get("candidate_words")
    out["score"] = report.summary.get("score")
    timed = [(w, t) for w, t in zip(words, speaking) if t]
    if timed:
        out["words_per_minute"] = round(60 * sum(w for w, _ in timed) / sum(t for _, t in timed), 1)
    fillers = [_filler_count(a, FILLER_CODE in checks) for a in answers]
    counted = [(f, w, d) for f, w, d in zip(fillers, words, durations) if f is not None]
    if counted and sum(w for _, w, _ in counted):
        out["fillers_per_100_words"] = round(100 * sum(f for f, _, _ in counted) / sum(w for _, w, _ in counted), 2)
    timed_fillers = [(f, d) for f, _, d in counted if d]
    if timed_fillers:
        out["fillers_per_minute"] = round(60 * sum(f for f, _ in timed_fillers) / sum(d for _, d in timed_fillers), 2)
    star_parts = [_star_parts(a) for a in answers] if STAR_CODE in checks else []
    shares = [len(parts) / len(STAR_PARTS) for parts in star_parts if parts is not None]
    if shares:
        out["star_coverage"] = round(100 * sum(shares) / len(shares), 1)
    scores = [a.metrics["enthusiasm"]["score"] for a in answers
              if isinstance(a.metrics.get("enthusiasm"), dict) and "score" in a.metrics["enthusiasm"]]
    if scores:
        out["enthusiasm"] = round(sum(scores) / len(scores), 1)
    return {
        "answers": len(answers),
        "duration_s": report.input.get("duration_s"),
        **out,
        "flags_total": sum(report.summary.get("flags", {}).values()),
        "worst_severity": report.summary.get("worst_severity"),
        "flags": dict(report.summary.get("flags", {})),
    }


def _int_metric(answer: "Answer", key: str) -> int | None:
    value = answer.metrics.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _filler_count(answer: "Answer", filler_check_ran: bool) -> int | None:
    """``metrics.fillers`` of the answer, else its ``filler`` annotations when the filler check ran."""
    count = _int_metric(answer, "fillers")
    if count is None and filler_check_ran:
        count = sum(1 for x in answer.annotations if x.kind == "filler")
    return count


def _star_parts(answer: "Answer") -> set[str] | None:
    """STAR parts found in an answer the STAR check assessed (``metrics.star.parts_present``) and
    not counted missing by it (``metrics.star.missing``: an Action told only with "we" is found yet
    missing); ``None`` when the check did not assess it."""
    star = answer.metrics.get("star")
    if isinstance(star, dict) and isinstance(star.get("parts_present"), list):
        missing = star.get("missing") if isinstance(star.get("missing"), list) else []
        return (set(star["parts_present"]) - set(missing)) & set(STAR_PARTS)
    return None
