"""Small SVG line charts of each candidate's sessions over time, for the index page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.batch.metrics import pooled_metrics


def trend_metrics() -> dict[str, tuple[str, bool]]:
    """The summary numbers charted per candidate: name -> (title, out of 100), from the rules, then the score."""
    return {**{name: (m.trend, m.out_of_100) for name, (_, m) in pooled_metrics().items() if m.trend},
            "score": ("Score (0-100)", True)}


def line_chart(points: list[tuple[str, float]], *, out_of_100: bool, width: int = 420, height: int = 180) -> dict[str, Any]:
    """Coordinates of a small SVG line chart (x: sessions in order, y: from 0 to 100 or the maximum)."""
    left, right, top, bottom = 44, 40, 24, 40
    top_value = 100.0 if out_of_100 else max(max(v for _, v in points) * 1.15, 1e-9)
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return round(top + (height - top - bottom) * (1 - value / top_value), 1)

    marks = [{"x": round(left + i * step, 1), "y": y(v), "label": label, "value": v} for i, (label, v) in enumerate(points)]
    ticks = [{"y": y(top_value * f), "value": f"{top_value * f:.3g}"} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "left": left, "bottom": height - bottom, "right": width - right,
            "points": marks, "ticks": ticks, "polyline": " ".join(f"{m['x']},{m['y']}" for m in marks)}


def candidate_trends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per candidate with at least two analysed sessions: one chart per metric with two or more values."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["candidate"] and row["status"] == "ok":
            groups.setdefault(row["candidate"], []).append(row)
    trends = []
    for name in sorted(groups):
        sessions = sorted(groups[name], key=lambda r: (r["date"] or "", r["session"]))
        if len(sessions) < 2:
            continue
        charts = []
        for key, (title, out_of_100) in trend_metrics().items():
            points = [(r["date"] or Path(r["session"]).name, r[key]) for r in sessions if r[key] is not None]
            if len(points) >= 2:
                charts.append({"title": title, **line_chart(points, out_of_100=out_of_100)})
        trends.append({"candidate": name, "sessions": len(sessions), "charts": charts})
    return trends
