"""JSON report (``schema_version`` 2, described by ``analyzer/report/schema/report.schema.json``).

The report is always valid JSON: a number that is not finite (``NaN``, ``Infinity``: a measure with
no defined value) is written as ``null``, and serialising refuses any that slipped through.
"""

from __future__ import annotations

import json
import math
from typing import Any

from analyzer.datamodel import Annotation, Answer, Flag, Report, Span, Utterance, Word
from analyzer.report.strengths import answer_strengths, session_strengths


def _utterance(u: Utterance, *, words: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"text": u.text, "speaker": u.speaker, "start_s": _t(u.start_s), "end_s": _t(u.end_s)}
    if words and u.words:
        out["words"] = [_word(w) for w in u.words]
    return out


def _word(w: Word) -> dict[str, Any]:
    return {"text": w.text, "start": w.start_char, "end": w.end_char, "start_s": _t(w.start), "end_s": _t(w.end)}


def _t(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _annotation(a: Annotation) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": a.kind, "start": a.start, "end": a.end, "text": a.text}
    if a.start_s is not None:
        out["start_s"], out["end_s"] = _t(a.start_s), _t(a.end_s)
    if a.detail:
        out["detail"] = a.detail
    return out


def _span(s: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"start": s.start, "end": s.end, "text": s.text}
    if s.note:
        out["note"] = s.note
    if s.answer_id is not None:
        out["answer_id"] = s.answer_id
    if s.start_s is not None or s.end_s is not None:
        out["start_s"], out["end_s"] = _t(s.start_s), _t(s.end_s)
    return out


def _flag(f: Flag) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "suggestion": f.suggestion,
        "measure": f.measure,
        "value": f.value,
        "threshold": f.threshold,
        "evidence": [_span(s) for s in f.evidence],
        **({"detail": f.detail} if f.detail else {}),
    }


def _answer(a: Answer) -> dict[str, Any]:
    return {
        "id": a.id,
        "question_kind": a.question_kind,
        "follow_up_of": a.follow_up_of,
        "question": _utterance(a.question, words=False) if a.question_known else None,
        "answer": _utterance(a.answer, words=True),
        "interjections": [_utterance(u, words=False) for u in a.interjections],
        "metrics": a.metrics,
        "annotations": [_annotation(x) for x in a.annotations],
        "flags": [_flag(f) for f in a.flags],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    t = report.transcript
    timeline = []
    if t is not None:
        timeline = [{"speaker": turn.speaker, "role": turn.role, "start_s": _t(turn.start), "end_s": _t(turn.end)}
                    for turn in t.turns if turn.start is not None]
    return finite({
        "schema_version": report.schema_version,
        "tool": report.tool,
        "input": report.input,
        "speakers": report.speakers,
        "settings": report.settings,
        "summary": report.summary,
        "flags": [_flag(f) for f in report.flags],
        "metrics": report.metrics,
        "answers": [_with_strengths(_answer(a)) for a in report.answers],
        "small_talk": [_utterance(u, words=False) for u in report.small_talk],
        "timeline": {"turns": timeline,
                     "silences": [[_t(s), _t(e)] for s, e in (t.silences if t else [])],
                     "speech": [{"speaker": speaker, "start_s": _t(s), "end_s": _t(e)}
                                for s, e, speaker in (t.speech if t else [])]},
        **({"notes": list(report.notes)} if report.notes else {}),
        "strengths": session_strengths({"metrics": report.metrics}),
    })


def _with_strengths(answer: dict[str, Any]) -> dict[str, Any]:
    answer["strengths"] = answer_strengths(answer)
    return answer


def finite(value: Any) -> Any:
    """``value`` with every float that is not finite (NaN, infinity) replaced by ``None``, at any depth."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def render_json(report: Report) -> str:
    return report_text(report_to_dict(report))


def report_text(data: dict[str, Any]) -> str:
    """A report dict as its JSON file holds it (also for reports with a merged coach review)."""
    return json.dumps(finite(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
