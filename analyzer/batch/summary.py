"""The batch summary: ``summary.json``, ``summary.csv``, ``errors.json`` and ``index.html``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from analyzer import __version__
from analyzer.batch.index import render_index
from analyzer.batch.metrics import metric_columns
from analyzer.batch.workers import BatchResult
from analyzer.config import Config
from analyzer.fileio import atomic_write_text


def summary_rows(result: BatchResult, config: Config) -> list[dict[str, Any]]:
    codes = config.enabled_codes()
    rows = []
    for session in result.sessions:
        outcome = result.outcomes[session.rel]
        metrics = outcome.metrics if outcome.ok else {}
        row: dict[str, Any] = {
            "input": session.path,
            "session": session.rel,
            "candidate": session.candidate,
            "date": session.date,
            "status": "ok" if outcome.ok else "failed",
            "error": outcome.error,
            "answers": metrics.get("answers"),
            "duration_s": metrics.get("duration_s"),
            **{key: metrics.get(key) for key in metric_columns()},
            "flags_total": metrics.get("flags_total"),
            "worst_severity": metrics.get("worst_severity"),
            "flags": ({code: metrics.get("flags", {}).get(code, 0)
                       for code in sorted({*codes, *metrics.get("flags", {})})} if outcome.ok else {}),
            "reports": {fmt: entry["path"] for fmt, entry in outcome.outputs.items()},
        }
        rows.append(row)
    return rows


def _csv_text(rows: list[dict[str, Any]]) -> str:
    flag_codes = sorted({code for row in rows for code in row["flags"]})
    formats = sorted({fmt for row in rows for fmt in row["reports"]})
    scalar = [k for k in rows[0] if k not in {"flags", "reports"}]
    header = [*scalar, *(f"flags.{c}" for c in flag_codes), *(f"report.{f}" for f in formats)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([*("" if row[k] is None else row[k] for k in scalar),
                         *(row["flags"].get(c, "") for c in flag_codes),
                         *(row["reports"].get(f, "") for f in formats)])
    return buffer.getvalue()


def write_summary(result: BatchResult, out_dir: Path, config: Config) -> None:
    """``summary.json``, ``summary.csv``, ``errors.json`` and ``index.html`` (each atomically)."""
    rows = summary_rows(result, config)
    ok = sum(1 for r in rows if r["status"] == "ok")
    payload = {
        "tool": {"name": "interview-analyzer", "version": __version__},
        "sessions": len(rows),
        "succeeded": ok,
        "failed": len(rows) - ok,
        "columns": {"duration_s": "Recording length in seconds (recordings only)", **metric_columns()},
        "rows": rows,
    }
    errors = [{"input": r["input"], "session": r["session"], "error": r["error"]} for r in rows if r["status"] != "ok"]
    atomic_write_text(out_dir / "summary.json", json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out_dir / "summary.csv", _csv_text(rows))
    atomic_write_text(out_dir / "errors.json", json.dumps(errors, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out_dir / "index.html", render_index(payload))
