"""The HTML page's view model, built from the JSON report: answers, flag cards, scorecard, charts and timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from analyzer.checks import annotation_kinds
from analyzer.checks.fillers import RULE as FILLERS
from analyzer.checks.rambling import RULE as RAMBLING
from analyzer.checks.rule import Rule
from analyzer.checks.star import RULE as STAR
from analyzer.report.migrate import upgrade
from analyzer.report.followup import followup_note
from analyzer.report.strengths import answer_strengths, session_strengths
from analyzer.report.html.segments import (
    build_segments,
    css_kind,
    fmt_num,
    fmt_time,
    humanize,
    kind_style,
    time_at_char,
)

TIMELINE_X0, TIMELINE_X1 = 130.0, 990.0
"""Horizontal extent of the timeline's plot inside its 1000-unit-wide SVG (lane labels on the left)."""
MAX_TIMELINE_S = 12 * 86400.0
"""A session longer than this (12 days: times no recording has) gets no timeline; the longest tick step is a day."""
PACE_GUIDE_WPM = (120.0, 160.0)
"""A comfortable conversational pace, drawn as a guide band on the pace chart."""


# ---------------------------------------------------------------------------------------------
# The view model


def _flatten_metrics(metrics: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in metrics.items():
        name = f"{prefix}{humanize(key)}"
        if isinstance(value, Mapping):
            out += _flatten_metrics(value, f"{name} › ")
        elif isinstance(value, (int, float, str, bool)) or value is None:
            out.append((name, fmt_num(value)))
    return out


def _metric(answer: Mapping[str, Any], rule: Rule, name: str) -> Any:
    """``metrics.<namespace>.<name>`` of an answer dict, for a metric the rule declares (None when absent)."""
    assert any(m.name == name for m in rule.metrics), f"{rule.code} declares no metric {name!r}"
    values = answer.get("metrics", {}).get(rule.namespace)
    return values.get(name) if isinstance(values, Mapping) else None


def _word_count(answer: Mapping[str, Any]) -> int:
    words = _metric(answer, RAMBLING, "words")
    if isinstance(words, (int, float)) and not isinstance(words, bool):
        return int(words)
    from analyzer.text.tokens import count_words

    return count_words(answer["answer"]["text"])


def _duration(utterance: Mapping[str, Any]) -> float | None:
    if utterance.get("start_s") is None or utterance.get("end_s") is None:
        return None
    return max(0.0, utterance["end_s"] - utterance["start_s"])


_MEASURE_WORDS = {
    # measure: (label for a value of 1, label otherwise, unit after the threshold)
    "star_parts_present": ("star part present", "star parts present", ""),
    "words": ("word", "words", ""),
    "repeated_phrases": ("repeated phrase", "repeated phrases", ""),
    "duration_s": ("s long", "s long", " s"),
}


def _measured(flag: Mapping[str, Any]) -> str | None:
    value, threshold, measure = flag.get("value"), flag.get("threshold"), flag.get("measure")
    if value is None:
        return None
    label, unit = (humanize(measure) if measure else ""), ""
    if measure in _MEASURE_WORDS:
        one, many, unit = _MEASURE_WORDS[measure]
        label = one if value == 1 else many
    text = f"{fmt_num(value)} {label}".strip()
    if threshold is not None:
        side = "above" if value > threshold else "below" if value < threshold else "at"
        text += f", {side} the threshold of {fmt_num(threshold)}{unit}"
    return text


def _flag_view(flag: Mapping[str, Any], index: int, answer: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    words = answer["answer"].get("words") or []
    evidence = []
    for ev in flag.get("evidence", []):
        t = time_at_char(words, ev["start"])
        evidence.append({"start": ev["start"], "end": ev["end"], "note": ev.get("note"), "time_s": t,
                         "text": ev.get("text", answer["answer"]["text"][ev["start"]:ev["end"]])})
    time_s = next((e["time_s"] for e in evidence if e["time_s"] is not None), None)
    if time_s is None:
        time_s = answer["answer"].get("start_s") if words else None
    value, threshold = flag.get("value"), flag.get("threshold")
    ratio = None
    if isinstance(value, (int, float)) and isinstance(threshold, (int, float)) and threshold > 0 and value >= 0:
        ratio = min(value / threshold, 2.0)
    return {
        **flag,
        "index": index,
        "rule_name": rules.get(flag["code"], {}).get("name", flag["code"]),
        "measured": _measured(flag),
        "ratio": ratio,
        "evidence": evidence,
        "time_s": time_s,
        "review": flag.get("review"),
    }


def _answer_view(answer: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    text = answer["answer"]["text"]
    words = answer["answer"].get("words") or []
    points = [p for f in answer.get("flags", []) for ev in f.get("evidence", []) for p in (ev["start"], ev["end"])]
    segments = build_segments(text, answer.get("annotations", []), words, points)
    kinds: dict[str, int] = {}
    for ann in answer.get("annotations", []):
        kinds[ann["kind"]] = kinds.get(ann["kind"], 0) + 1
    return {
        "id": answer["id"],
        "anchor": "answer-" + css_kind(answer["id"]),
        "question_kind": answer.get("question_kind"),
        "follow_up_of": answer.get("follow_up_of"),
        "question": answer["question"] or {"text": "", "speaker": ""},  # null: no question recorded
        "answer": answer["answer"],
        "interjections": answer.get("interjections", []),
        "segments": segments,
        "flags": [_flag_view(f, i, answer, rules) for i, f in enumerate(answer.get("flags", []))],
        "kinds": [{"kind": k, "css": css_kind(k), "label": kind_style(k).label, "marker": kind_style(k).marker,
                   "count": c} for k, c in kinds.items()],
        "metrics": _flatten_metrics(answer.get("metrics", {})),
        "fillers_per_100_words": _metric(answer, FILLERS, "per_100_words"),
        "fillers_per_minute": _metric(answer, FILLERS, "per_minute"),
        "words_per_minute": _metric(answer, RAMBLING, "words_per_minute"),
        "star": answer.get("metrics", {}).get(STAR.namespace),
        "strengths": answer["strengths"] if "strengths" in answer else answer_strengths(answer),
        "words": _word_count(answer),
        "duration_s": _duration(answer["answer"]),
    }


def _tally(check: Mapping[str, Any]) -> dict[str, int]:
    """Passed, assessed and out-of-scope counts of a check's summary: answers for an answer rule, the
    session (one or none) for a session rule."""
    if check.get("scope") == "session":
        assessed = int(check["pass_rate"] is not None)
        return {"passed": assessed - int(bool(check["flagged"]) and bool(assessed)), "checked": assessed,
                "out_of_scope": 0}
    return {"passed": check["answers_checked"] - check["answers_flagged"], "checked": check["answers_checked"],
            "out_of_scope": check.get("answers_out_of_scope", 0)}


def _scorecard(report: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    summary = report.get("summary", {})
    checks = []
    for code, c in summary.get("checks", {}).items():
        rule = rules.get(code, {})
        flagged_in = [a["id"] for a in report["answers"] if any(f["code"] == code for f in a.get("flags", []))]
        checks.append({
            "code": code,
            "name": rule.get("name", code),
            "summary": rule.get("summary", ""),
            "what": rule.get("what", ""),
            **_tally(c),
            "pass_pct": None if c["pass_rate"] is None else round(100 * c["pass_rate"]),
            "flags": summary.get("flags", {}).get(code, 0),
            "flagged_in": flagged_in,
        })
    return {"score": summary.get("score"), "checks": checks, "summary": summary}


def _charts(answers: list[dict[str, Any]]) -> dict[str, Any]:
    filler = FILLERS.annotations[0].kind
    rows = []
    for a in answers:
        fillers = sum(k["count"] for k in a["kinds"] if k["kind"] == filler)
        per100 = a["fillers_per_100_words"]  # the filler check's own figure
        if not isinstance(per100, (int, float)):
            per100 = 100 * fillers / a["words"] if a["words"] else None
        wpm = a["words_per_minute"]  # the rambling check's figure: per minute of speech
        if not isinstance(wpm, (int, float)) or isinstance(wpm, bool):
            wpm = 60 * a["words"] / a["duration_s"] if a["duration_s"] else None
        per_minute = a["fillers_per_minute"]
        rows.append({"id": a["id"], "anchor": a["anchor"], "fillers": fillers, "per100": per100, "wpm": wpm,
                     "per_minute": per_minute if isinstance(per_minute, (int, float)) else None})
    has_fillers = any(any(k["kind"] == filler for k in a["kinds"]) for a in answers)
    max_density = max([r["per100"] or 0 for r in rows] + [5.0])
    max_wpm = max([r["wpm"] or 0 for r in rows] + [PACE_GUIDE_WPM[1] + 40])
    for r in rows:
        r["density_w"] = 0 if r["per100"] is None else r["per100"] / max_density
        r["wpm_w"] = 0 if r["wpm"] is None else r["wpm"] / max_wpm
    star = []
    for a in answers:
        text_len = max(1, len(a["answer"]["text"]))
        checked = a["star"] if isinstance(a["star"], Mapping) else {}
        shares, missing = checked.get("shares") or {}, checked.get("missing") or []
        parts = []
        for style in STAR.annotations:
            part = style.kind
            covered = {i for s in a["segments"] if part in s.kinds for i in range(s.start, s.end)}
            share = shares.get(part) if isinstance(shares.get(part), (int, float)) else len(covered) / text_len
            # an action told only with "we" is highlighted, yet the STAR check counts it as missing
            we_only = part == "action" and bool(covered) and bool(checked.get("actions_only_we"))
            parts.append({"part": part, "label": style.label, "letter": style.marker,
                          "present": bool(covered) and part not in missing, "we_only": we_only, "share": share})
        if any(p["present"] for p in parts) or a["question_kind"] == "behavioural":
            star.append({"id": a["id"], "anchor": a["anchor"], "parts": parts})
    has_star = any(p["present"] for row in star for p in row["parts"])
    return {
        "rows": rows,
        "show_fillers": has_fillers,
        "show_pace": any(r["wpm"] is not None for r in rows),
        "pace_guide": [PACE_GUIDE_WPM[0] / max_wpm, PACE_GUIDE_WPM[1] / max_wpm],
        "pace_guide_wpm": PACE_GUIDE_WPM,
        "star": star if has_star else [],
    }


def _timeline(report: Mapping[str, Any], answers: list[dict[str, Any]]) -> dict[str, Any] | None:
    tl = report.get("timeline", {})
    turns = [t for t in tl.get("turns", []) if t.get("start_s") is not None and t.get("end_s") is not None]
    if not turns:
        return None
    duration = max([t["end_s"] for t in turns] + [report.get("input", {}).get("duration_s") or 0]
                   + [e for _, e in tl.get("silences", [])])
    if not 0 < duration < MAX_TIMELINE_S:  # nothing to draw, or times no recording has (NaN, inf, 1e12 s)
        return None
    speakers = list(report.get("speakers", {}))
    order = {"interviewer": 0, "candidate": 1, "unknown": 2}
    speakers.sort(key=lambda s: order.get(report["speakers"][s], 3))
    for t in turns:
        if t["speaker"] not in speakers:
            speakers.append(t["speaker"])
    lanes = [{"speaker": s, "role": report["speakers"].get(s, "unknown"), "y": i} for i, s in enumerate(speakers)]
    lane_of = {s: i for i, s in enumerate(speakers)}

    def x(t: float) -> float:
        return round(TIMELINE_X0 + (TIMELINE_X1 - TIMELINE_X0) * max(0.0, min(t, duration)) / duration, 2)

    bars = [{"x": x(t["start_s"]), "w": max(0.8, x(t["end_s"]) - x(t["start_s"])), "lane": lane_of[t["speaker"]],
             "role": t.get("role", "unknown"), "speaker": t["speaker"],
             "start_s": t["start_s"], "end_s": t["end_s"]} for t in turns]
    from analyzer.checks.context import min_pause_s

    long_pause = min_pause_s(report.get("settings", {}).get("settings", {}))
    silences = [{"x": x(s), "w": max(0.8, x(e) - x(s)), "start_s": s, "end_s": e, "len": e - s,
                 "long": e - s >= long_pause} for s, e in tl.get("silences", [])]
    markers = []
    for a in answers:
        for f in a["flags"]:
            t = f["time_s"] if f["time_s"] is not None else a["answer"].get("start_s")
            if t is not None:
                markers.append({"x": x(t), "time_s": t, "code": f["code"], "severity": f["severity"],
                                "answer": a["id"], "anchor": a["anchor"], "index": f["index"]})
    markers.sort(key=lambda m: m["x"])
    for before, m in zip([None, *markers], markers):  # side by side instead of on top of each other
        m["dx"] = m["x"] if before is None else max(m["x"], before["dx"] + 14)
    labels = [{"x": x(a["answer"]["start_s"]), "id": a["id"], "anchor": a["anchor"]}
              for a in answers if a["answer"].get("start_s") is not None]
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400) if duration / s <= 12)
    ticks = [{"x": x(k * step), "label": fmt_time(k * step)} for k in range(int(duration // step) + 1)]
    return {"duration_s": duration, "lanes": lanes, "bars": bars, "silences": silences, "markers": markers,
            "labels": labels, "ticks": ticks, "silence_lane": len(lanes), "long_pause_s": long_pause,
            "x0": TIMELINE_X0, "x1": TIMELINE_X1,
            "axis_y": 30 + 30 * (len(lanes) + bool(silences)) + 4, "height": 30 + 30 * (len(lanes) + bool(silences)) + 26}


def rule_docs() -> dict[str, dict[str, Any]]:
    """Names and explanations of the registered checks, for the scorecard."""
    from analyzer.checks import rules

    return {code: {"name": r.name, "summary": r.summary, "what": r.what, "why": r.why}
            for code, r in rules().items()}


def page_model(report: Mapping[str, Any], *, audio_src: str | None = None,
               rules: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Everything the template needs, derived from a report dict (the JSON report)."""
    report = upgrade(report)
    rules = rule_docs() if rules is None else rules
    answers = [_answer_view(a, rules) for a in report.get("answers", [])]
    used = {k["kind"] for a in answers for k in a["kinds"]}
    declared = annotation_kinds()
    legend = [{"css": css_kind(k), **vars(kind_style(k))}
              for k in [*declared, *sorted(used - set(declared))] if k in used]
    path = report.get("input", {}).get("path")
    return {
        "report": report,
        "title": Path(path).name if path else "transcript",
        "input": report.get("input", {}),
        "speakers": report.get("speakers", {}),
        "notes": report.get("notes", []),
        "scorecard": _scorecard(report, rules),
        "answers": answers,
        "session_flags": [{**f, "rule_name": rules.get(f["code"], {}).get("name", f["code"]), "measured": _measured(f)}
                          for f in report.get("flags", [])],
        "session_strengths": report["strengths"] if "strengths" in report else session_strengths(report),
        "followup": followup_note(report),
        "small_talk": report.get("small_talk", []),
        "legend": legend,
        "charts": _charts(answers),
        "timeline": _timeline(report, answers),
        "audio_src": audio_src,
        "flag_count": sum(len(a["flags"]) for a in answers),
        "review": report.get("review"),
        "audio_missing": None,
    }
