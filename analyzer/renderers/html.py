"""Self-contained HTML report: one offline page per session for candidates and coaches.

Design (why it is built this way):

* **The page is built from the report JSON**, i.e. the dict of
  :func:`analyzer.renderers.json.report_to_dict` (or a ``REPORT.json`` loaded from disk), never from
  the dataclasses. :func:`page_model` turns that dict into a view model (text segments with the
  classes of every covering annotation, flag cards, scorecard, chart and timeline geometry), and
  the Jinja2 template ``templates/report.html.j2`` renders it **server-side** with autoescape on,
  so transcript text is always escaped and the page reads and prints without JavaScript.
* The same report dict is embedded verbatim in ``<script type="application/json" id="report-data">``
  (serialised with Jinja's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``). The inline
  script (``templates/report.js``) only adds behaviour: seeking the audio from words, flags and
  the timeline, highlighting evidence, and the coach review (agree/disagree/comment, exported as a
  JSON file that ``interview-analyzer review import`` merges into the report). It writes data only
  through ``textContent``/``value``, never ``innerHTML``. A ``Content-Security-Policy`` allows just
  that one script (by hash), so markup smuggled into a transcript could not run even if it escaped.
* A later server-backed review app reuses :func:`page_model` and the template unchanged: it serves
  the rendered page for a stored report and, instead of downloading the review, POSTs the very
  same review document (see ``analyzer/schema/review.schema.json``) to its own endpoint.

Audio: with a recording, the page gets an ``<audio>`` player whose source is the recording
embedded as a ``data:`` URI when it is at most ``embed-audio-max-mb`` (config table ``report``,
default 10; 0 never embeds), else a path relative to the HTML file (``out_path``), else an
absolute ``file:`` URI.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import mimetypes
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from urllib.parse import quote

from analyzer.errors import ConfigError

if TYPE_CHECKING:
    import jinja2

    from analyzer.datamodel import Report

log = logging.getLogger("analyzer")

DEFAULT_EMBED_AUDIO_MAX_MB = 10.0
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STAR_PARTS = ("situation", "task", "action", "result")
TIMELINE_X0, TIMELINE_X1 = 130.0, 990.0
"""Horizontal extent of the timeline's plot inside its 1000-unit-wide SVG (lane labels on the left)."""
PACE_GUIDE_WPM = (120.0, 160.0)
"""A comfortable conversational pace, drawn as a guide band on the pace chart."""


@dataclass(frozen=True)
class KindStyle:
    """How one annotation kind is shown: a label, a non-colour cue, and a short explanation."""

    label: str
    cue: str
    description: str
    marker: str | None = None
    """Text of an inline badge placed where the annotation starts (None: no badge)."""


KIND_STYLES: dict[str, KindStyle] = {
    "filler": KindStyle("Filler word", "wavy underline",
                        "A filler such as 'um', 'uh' or a 'like' that carries no meaning."),
    "hedge": KindStyle("Hedge", "dashed underline",
                       "Tentative wording ('I guess', 'kind of') that undercuts confidence."),
    "negativity": KindStyle("Negativity", "thick underline, bold, ⚠ badge",
                            "Negative talk about a former employer, manager or colleagues.", "⚠"),
    "situation": KindStyle("Situation", "tinted, 'S' badge", "STAR: the context of the story.", "S"),
    "task": KindStyle("Task", "tinted, 'T' badge", "STAR: what the candidate had to achieve.", "T"),
    "action": KindStyle("Action", "tinted, 'A' badge", "STAR: what the candidate personally did.", "A"),
    "result": KindStyle("Result", "tinted, 'R' badge", "STAR: the outcome, ideally measured.", "R"),
    "pause": KindStyle("Long pause", "‖ badge with its length",
                       "A silence measured in the recording between two words.", "‖"),
}


def kind_style(kind: str) -> KindStyle:
    known = KIND_STYLES.get(kind)
    if known is not None:
        return known
    label = kind.replace("-", " ").replace("_", " ").capitalize()
    return KindStyle(label, "dotted underline, labelled badge", f"Highlighted by a check as '{kind}'.", label)


def css_kind(kind: str) -> str:
    """A CSS-class-safe form of an annotation kind."""
    return re.sub(r"[^a-z0-9-]", "-", kind.lower()) or "other"


# ---------------------------------------------------------------------------------------------
# Formatting helpers (also registered as Jinja filters)


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(math.floor(float(seconds) + 0.5))
    m, s = divmod(total, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def fmt_num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def humanize(name: str) -> str:
    return name.replace("_", " ").replace("-", " ")


# ---------------------------------------------------------------------------------------------
# Text segments: flat, non-overlapping pieces of an answer, each with every covering annotation


@dataclass
class Segment:
    start: int
    end: int
    text: str
    kinds: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    time_s: float | None = None
    word_index: int | None = None
    markers: list[dict[str, str]] = field(default_factory=list)

    @property
    def css(self) -> str:
        return " ".join(f"k-{css_kind(k)}" for k in self.kinds)


def _annotation_title(ann: Mapping[str, Any]) -> str:
    style = kind_style(ann["kind"])
    detail = ann.get("detail") or {}
    extras = []
    for key, value in detail.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            extras.append(f"{humanize(key)} {fmt_num(value)}")
    if ann.get("start_s") is not None:
        extras.append(f"at {fmt_time(ann['start_s'])}")
    return style.label + (f" ({', '.join(extras)})" if extras else "")


def _marker(ann: Mapping[str, Any]) -> dict[str, str] | None:
    style = kind_style(ann["kind"])
    if style.marker is None:
        return None
    text = style.marker
    duration = (ann.get("detail") or {}).get("duration_s")
    if ann["kind"] == "pause" and isinstance(duration, (int, float)):
        text = f"‖ {fmt_num(round(float(duration), 1))} s"
    return {"text": text, "kind": css_kind(ann["kind"]), "title": _annotation_title(ann)}


def build_segments(
    text: str,
    annotations: Sequence[Mapping[str, Any]],
    words: Sequence[Mapping[str, Any]] = (),
    points: Iterable[int] = (),
) -> list[Segment]:
    """Split ``text`` at every annotation, word and extra boundary point.

    Each segment carries the kinds of all annotations covering it (so overlapping
    annotations compose), the start time of the timed word containing it (for seeking),
    and inline badges for annotations that begin at its start.
    """
    n = len(text)
    valid = [a for a in annotations
             if isinstance(a.get("start"), int) and isinstance(a.get("end"), int) and 0 <= a["start"] <= a["end"] <= n]
    timed_words = [(i, w) for i, w in enumerate(words)
                   if isinstance(w.get("start"), int) and isinstance(w.get("end"), int)
                   and 0 <= w["start"] < w["end"] <= n]
    cuts = {0, n, *(p for p in points if 0 <= p <= n)}
    for a in valid:
        cuts.update((a["start"], a["end"]))
    for _, w in timed_words:
        cuts.update((w["start"], w["end"]))
    bounds = sorted(cuts)
    starts_at: dict[int, list[Mapping[str, Any]]] = {}
    for a in valid:
        starts_at.setdefault(a["start"], []).append(a)
    segments: list[Segment] = []
    word_pos = 0
    for lo, hi in zip(bounds, bounds[1:]):
        seg = Segment(lo, hi, text[lo:hi])
        for a in starts_at.get(lo, ()):
            marker = _marker(a)
            if marker:
                seg.markers.append(marker)
        for a in valid:
            if a["start"] <= lo and hi <= a["end"] and a["start"] < a["end"]:
                if a["kind"] not in seg.kinds:
                    seg.kinds.append(a["kind"])
                seg.titles.append(_annotation_title(a))
                if seg.time_s is None and a["kind"] == "pause" and a.get("start_s") is not None:
                    seg.time_s = a["start_s"]
        while word_pos < len(timed_words) and timed_words[word_pos][1]["end"] <= lo:
            word_pos += 1
        if word_pos < len(timed_words):
            index, word = timed_words[word_pos]
            if word["start"] <= lo and hi <= word["end"] and word.get("start_s") is not None:
                seg.time_s, seg.word_index = word["start_s"], index
        segments.append(seg)
    # Zero-length annotations (a pause between two words with no text) still get their badge.
    for a in valid:
        if a["start"] == a["end"]:
            target = next((s for s in segments if s.start == a["start"]), segments[-1] if segments else None)
            marker = _marker(a)
            if target is not None and marker and marker not in target.markers:
                target.markers.append(marker)
    return segments


def time_at_char(words: Sequence[Mapping[str, Any]], char: int) -> float | None:
    """Start time of the first timed word that ends after character ``char``."""
    for w in words:
        if isinstance(w.get("end"), int) and w["end"] > char and w.get("start_s") is not None:
            return w["start_s"]
    return None


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


def _word_count(answer: Mapping[str, Any]) -> int:
    words = answer.get("metrics", {}).get("words")
    if isinstance(words, (int, float)) and not isinstance(words, bool):
        return int(words)
    from analyzer.fillers import count_words

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
        "question": answer["question"],
        "answer": answer["answer"],
        "interjections": answer.get("interjections", []),
        "segments": segments,
        "flags": [_flag_view(f, i, answer, rules) for i, f in enumerate(answer.get("flags", []))],
        "kinds": [{"kind": k, "css": css_kind(k), "label": kind_style(k).label, "marker": kind_style(k).marker,
                   "count": c} for k, c in kinds.items()],
        "metrics": _flatten_metrics(answer.get("metrics", {})),
        "raw_metrics": answer.get("metrics", {}),
        "words": _word_count(answer),
        "duration_s": _duration(answer["answer"]),
    }


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
            "passed": c["answers_checked"] - c["answers_flagged"],
            "checked": c["answers_checked"],
            "pass_pct": None if c["pass_rate"] is None else round(100 * c["pass_rate"]),
            "out_of_scope": c.get("answers_out_of_scope", 0),
            "flags": summary.get("flags", {}).get(code, 0),
            "flagged_in": flagged_in,
        })
    return {"score": summary.get("score"), "checks": checks, "summary": summary}


def _charts(answers: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for a in answers:
        fillers = sum(k["count"] for k in a["kinds"] if k["kind"] == "filler")
        per100 = a["raw_metrics"].get("fillers_per_100_words")  # the filler check's own figure
        if not isinstance(per100, (int, float)):
            per100 = 100 * fillers / a["words"] if a["words"] else None
        wpm = a["raw_metrics"].get("words_per_minute")  # the rambling check's figure: per minute of speech
        if not isinstance(wpm, (int, float)) or isinstance(wpm, bool):
            wpm = 60 * a["words"] / a["duration_s"] if a["duration_s"] else None
        per_minute = a["raw_metrics"].get("fillers_per_minute")
        rows.append({"id": a["id"], "anchor": a["anchor"], "fillers": fillers, "per100": per100, "wpm": wpm,
                     "per_minute": per_minute if isinstance(per_minute, (int, float)) else None})
    has_fillers = any(any(k["kind"] == "filler" for k in a["kinds"]) for a in answers)
    max_density = max([r["per100"] or 0 for r in rows] + [5.0])
    max_wpm = max([r["wpm"] or 0 for r in rows] + [PACE_GUIDE_WPM[1] + 40])
    for r in rows:
        r["density_w"] = 0 if r["per100"] is None else r["per100"] / max_density
        r["wpm_w"] = 0 if r["wpm"] is None else r["wpm"] / max_wpm
    star = []
    for a in answers:
        text_len = max(1, len(a["answer"]["text"]))
        checked = a["raw_metrics"].get("star") if isinstance(a["raw_metrics"].get("star"), Mapping) else {}
        shares, missing = checked.get("shares") or {}, checked.get("missing") or []
        parts = []
        for part in STAR_PARTS:
            covered = {i for s in a["segments"] if part in s.kinds for i in range(s.start, s.end)}
            share = shares.get(part) if isinstance(shares.get(part), (int, float)) else len(covered) / text_len
            # An action told only with "we" is highlighted yet counts as missing (the STAR check's rule).
            we_only = part == "action" and bool(covered) and part in missing and checked.get("action_we_share") == 1
            parts.append({"part": part, "label": KIND_STYLES[part].label, "letter": KIND_STYLES[part].marker,
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
    if duration <= 0:
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
    from analyzer.config import min_pause_s

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
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 1e9) if duration / s <= 12)
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
    rules = rule_docs() if rules is None else rules
    answers = [_answer_view(a, rules) for a in report.get("answers", [])]
    used = {k["kind"] for a in answers for k in a["kinds"]}
    legend = [{"kind": k, "css": css_kind(k), **vars(kind_style(k))}
              for k in [*KIND_STYLES, *sorted(used - set(KIND_STYLES))] if k in used]
    path = report.get("input", {}).get("path")
    return {
        "report": report,
        "title": Path(path).name if path else "transcript",
        "input": report.get("input", {}),
        "speakers": report.get("speakers", {}),
        "scorecard": _scorecard(report, rules),
        "answers": answers,
        "small_talk": report.get("small_talk", []),
        "legend": legend,
        "charts": _charts(answers),
        "timeline": _timeline(report, answers),
        "audio_src": audio_src,
        "flag_count": sum(len(a["flags"]) for a in answers),
        "review": report.get("review"),
        "audio_missing": None,
    }


# ---------------------------------------------------------------------------------------------
# Audio source


def _audio_path(report: "Report | Mapping[str, Any]") -> Path | None:
    from analyzer.readers import AUDIO_EXTENSIONS

    transcript = getattr(report, "transcript", None)
    if transcript is not None and transcript.audio is not None and transcript.audio.path:
        return Path(transcript.audio.path)
    info = report.input if hasattr(report, "input") else report.get("input", {})  # type: ignore[union-attr]
    path = info.get("path")
    if path and Path(path).suffix.lower() in AUDIO_EXTENSIONS:
        return Path(path)
    return None


def embed_limit_mb(settings: Mapping[str, Any] | None) -> float:
    """``embed-audio-max-mb`` from the ``report`` settings table (or a whole settings mapping)."""
    table = (settings or {}).get("report", settings or {})
    value = table.get("embed-audio-max-mb", DEFAULT_EMBED_AUDIO_MAX_MB) if isinstance(table, Mapping) else None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"report.embed-audio-max-mb must be a number of megabytes >= 0, got {value!r}")
    return float(value)


def audio_source(audio: Path, out_path: Path | None, max_embed_mb: float) -> str | None:
    """A ``data:`` URI for a small recording, else a URL relative to the page, else a ``file:`` URI."""
    if not audio.is_file():
        return None
    if audio.stat().st_size <= max_embed_mb * 1024 * 1024:
        mime = mimetypes.guess_type(audio.name)[0] or "application/octet-stream"
        if audio.suffix.lower() in (".ogg", ".oga", ".opus"):
            mime = "audio/ogg"
        return f"data:{mime};base64,{base64.b64encode(audio.read_bytes()).decode('ascii')}"
    if out_path is not None:
        rel = os.path.relpath(audio.resolve(), Path(out_path).resolve().parent)
        return quote(Path(rel).as_posix())
    return audio.resolve().as_uri()


# ---------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=1)
def _environment() -> "jinja2.Environment":
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(time=fmt_time, num=fmt_num, humanize=humanize, css_kind=css_kind)
    return env


def _script() -> str:
    return (TEMPLATE_DIR / "report.js").read_text(encoding="utf-8")


def render_page(model: Mapping[str, Any]) -> str:
    """Render a :func:`page_model` with the template (the inline script is allowed by its hash)."""
    script = _script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html.j2").render(
        **model, script=script, script_hash=f"sha256-{digest}", css=css)


def render_html(
    report: "Report | Mapping[str, Any]",
    *,
    out_path: Path | str | None = None,
    audio_path: Path | str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """The HTML page for ``report`` (a :class:`Report` or its JSON dict).

    ``out_path`` is where the page will be written (audio too big to embed is linked relative to
    it); ``audio_path`` overrides the recording found in the report; ``settings`` is the
    configuration's settings (its ``report`` table) or that table itself.
    """
    data = report.to_dict() if hasattr(report, "to_dict") else dict(report)  # type: ignore[union-attr]
    max_embed_mb = embed_limit_mb(settings)
    audio = Path(audio_path) if audio_path is not None else _audio_path(report)
    src = None
    if audio is not None:
        src = audio_source(audio, Path(out_path) if out_path is not None else None, max_embed_mb)
        if src is None:
            log.warning("recording %s not found: the HTML report has no audio player", audio)
    model = page_model(data, audio_src=src)
    model["audio_missing"] = str(audio) if audio is not None and src is None else None
    return render_page(model)
