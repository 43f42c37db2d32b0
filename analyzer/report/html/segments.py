"""Text of an answer cut into segments for display, each with the annotations covering it, and how
each annotation kind is shown (the style its rule declares); formatting helpers for the page."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from analyzer.checks import annotation_kinds
from analyzer.checks.rule import AnnotationKind


def kind_style(kind: str) -> AnnotationKind:
    """How an annotation kind is shown: as the rule that emits it declares, else a generic style."""
    known = annotation_kinds().get(kind)
    if known is not None:
        return known
    label = kind.replace("-", " ").replace("_", " ").capitalize()
    return AnnotationKind(kind, label, "dotted underline, labelled badge", f"Highlighted by a check as '{kind}'.", label)


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
