"""The summary numbers of one analysed session: the report's own, and those each rule pools from its
answers' metrics (:attr:`analyzer.checks.rule.Rule.session_metrics`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.checks import rules
from analyzer.checks.rule import SessionMetric

if TYPE_CHECKING:
    from analyzer.datamodel import Report

CANDIDATE_WORDS = "Words spoken by the candidate"
SCORE = "The report's score: mean pass rate of the enabled checks, each over the answers it assessed, 0-100"


def pooled_metrics() -> dict[str, tuple[str, SessionMetric]]:
    """Every rule's session numbers, by name, with the rule's metrics namespace (registry order)."""
    return {m.name: (rule.namespace or code, m) for code, rule in rules().items() for m in rule.session_metrics}


def metric_columns() -> dict[str, str]:
    """Session-level numbers in the summary, in column order; a value is empty when it does not apply."""
    return {"candidate_words": CANDIDATE_WORDS, **{name: m.help for name, (_, m) in pooled_metrics().items()},
            "score": SCORE}


def session_metrics(report: "Report") -> dict[str, Any]:
    """Summary numbers of one analysed session (see :func:`metric_columns`), pooled over its answers
    by the rules that measured them; a number no check measured is left empty."""
    pooled = {name: m.pool(report.answers, namespace) for name, (namespace, m) in pooled_metrics().items()}
    return {
        "answers": len(report.answers),
        "duration_s": report.input.get("duration_s"),
        "candidate_words": report.summary.get("candidate_words"),
        **pooled,
        "score": report.summary.get("score"),
        "flags_total": sum(report.summary.get("flags", {}).values()),
        "worst_severity": report.summary.get("worst_severity"),
        "flags": dict(report.summary.get("flags", {})),
    }
