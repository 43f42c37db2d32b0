"""Batch throughput: sessions per minute and audio hours per hour, with 1 and N worker processes.

Runs ``analyzer.batch.run_batch`` on the sample set (``sample_transcripts/``: transcripts and
recordings), copied ``--copies`` times into separate folders so there is enough work to share.
Every run starts cold (new worker processes, models loaded per worker) and transcribes every
recording: the transcript cache is switched off, so copies of one recording are not free.

    python scripts/bench_batch.py --copies 2 --jobs 2 --repeat 3 --write

``--write`` replaces the "## Batch throughput (scripts/bench_batch.py)" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Batch throughput (scripts/bench_batch.py)"


def make_inputs(source: Path, target: Path, copies: int) -> None:
    for i in range(copies):
        shutil.copytree(source, target / f"copy{i + 1}")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def bench(inputs: Path, jobs: int) -> dict[str, float]:
    from analyzer.batch import run_batch
    from analyzer.config import Config

    with tempfile.TemporaryDirectory(prefix="bench-batch-out-") as out:
        started = time.perf_counter()
        result = run_batch([str(inputs)], Path(out), Config(), audio={"cache": False}, jobs=jobs, force=True)
        wall = time.perf_counter() - started
    # ru_maxrss (KiB on Linux): the in-process run is this process; pool workers are children
    who = resource.RUSAGE_SELF if jobs == 1 else resource.RUSAGE_CHILDREN
    peak_mib = resource.getrusage(who).ru_maxrss / 1024
    ok = [o for o in result.outcomes.values() if o.ok]
    for failure in result.failed:
        print(f"failed: {failure.error}", file=sys.stderr)
    audio_s = sum(o.metrics.get("duration_s") or 0 for o in ok)
    return {"jobs": jobs, "sessions": len(result.sessions), "ok": len(ok), "failed": len(result.failed),
            "audio_s": audio_s, "wall_s": wall, "sessions_per_min": 60 * len(ok) / wall,
            "audio_hours_per_hour": audio_s / wall, "peak_rss_mib": peak_mib}


def cold_run(inputs: Path, jobs: int) -> dict[str, float]:
    """One measurement in a fresh Python process: nothing loaded yet, and the peak RSS of its
    workers is their own (a forked child starts from its parent's peak)."""
    done = subprocess.run([sys.executable, __file__, "--single-run", str(jobs), "--inputs", str(inputs)],
                          check=True, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout)


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median wall time, and every wall time for the record."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**ordered[(len(ordered) - 1) // 2], "all_walls": [round(r["wall_s"], 1) for r in runs]}


def section(rows: list[dict[str, float]], command: str, copies: int) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        SECTION,
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; load average at start {load:.1f} "
        "(the machine is shared, so absolute numbers vary).",
        "",
        f"Input: `sample_transcripts/` copied {copies}x (transcripts and recordings), default configuration "
        "(every check), all report formats. Each run is cold: worker processes start and load their models, "
        "and the transcript cache is off, so every recording is transcribed. Every run is a fresh Python process; "
        "runs alternate between the two settings. Peak RSS: the analysing process with 1 job, the largest worker "
        "process with N jobs.",
        "",
        "| jobs | sessions (ok/failed) | audio (min) | wall (s), median | sessions/min | audio hours/hour | peak RSS per process (MiB) | wall of every run (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['jobs']} | {r['ok']}/{r['failed']} | {r['audio_s'] / 60:.1f} | {r['wall_s']:.1f} | "
                     f"{r['sessions_per_min']:.1f} | {r['audio_hours_per_hour']:.1f} | {r['peak_rss_mib']:.0f} | "
                     f"{', '.join(map(str, r['all_walls']))} |")
    if len(rows) == 2:
        lines += ["", f"Speed-up with {rows[1]['jobs']} jobs: {rows[0]['wall_s'] / rows[1]['wall_s']:.2f}x."]
    return "\n".join(lines) + "\n"


def write_section(text: str, path: Path) -> None:
    current = path.read_text(encoding="utf-8")
    start = current.find(SECTION)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(SECTION))
        rest = current[end + 1:] if end != -1 else ""
        updated = current[:start] + text + ("\n" + rest if rest else "")
    path.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "sample_transcripts", help="Folder of sample sessions.")
    parser.add_argument("--copies", type=int, default=3, help="Copies of the sample folder to analyse (default 3).")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes for the parallel run (default 2).")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per setting; the median run is reported.")
    parser.add_argument("--write", action="store_true", help="Replace this benchmark's section in docs/benchmarks.md.")
    parser.add_argument("--single-run", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single_run is not None:  # one cold measurement, as JSON (see cold_run)
        print(json.dumps(bench(args.inputs, args.single_run)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-batch-in-") as tmp:
        inputs = Path(tmp) / "sessions"
        make_inputs(args.samples, inputs, args.copies)
        runs: dict[int, list[dict[str, float]]] = {1: [], args.jobs: []}
        for _ in range(args.repeat):  # interleaved, so a busy spell on the machine hits both settings
            for jobs in runs:
                runs[jobs].append(cold_run(inputs, jobs))
        rows = [median_run(runs[1]), median_run(runs[args.jobs])]
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, ROOT), *sys.argv[1:]])
    text = section(rows, command, args.copies)
    print(text)
    if args.write:
        write_section(text, ROOT / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
