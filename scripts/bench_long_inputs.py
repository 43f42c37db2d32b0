#!/usr/bin/env python3
"""Seconds to analyse long inputs at two or three sizes each, to show the time grows linearly.

    nice -n 10 python scripts/bench_long_inputs.py [--runs 3] [--only and-more,vtt-cues] [--scale 0.5]

Builds each input in a temporary folder and analyses it in this process with one
:class:`analyzer.pipeline.Analyzer` (models loaded once, before timing: reading the file, pairing,
every check and the JSON report are timed). The families, at their largest size:

* ``and-more``: one question, then 4,000 lines of "and more" (36 KB, one answer: a coordination chain as
  deep as the answer is long; 81 s before #22's fix of the negation scope);
* ``candidate-lines``: one question, then 10,000 ``Candidate:`` lines (280 KB, one answer);
* ``short-lines``: one question, then 100,000 lines of "ok so" (600 KB, one answer);
* ``vtt-cues``: a WebVTT file of 20,000 cues, a question and then the candidate's (one answer).

Prints the machine and date, then per input its size, the median of ``--runs`` runs of wall and of CPU
seconds (this process, all threads), and CPU seconds per KB: a linear cost keeps CPU seconds per KB flat
across a family's sizes. Judge growth by CPU seconds: on a loaded machine the wall time of the larger
inputs also counts the other processes' growing share of the cores (wall seconds per KB of 2,500
``Candidate:`` lines grew 0.83 -> 1.03 over three sizes at load 10-17, while CPU seconds doubled exactly
with the length). ``--scale`` multiplies every size (0.25 for a quick look).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION = "Interviewer: Tell me about a project you are proud of.\n"


def and_more(lines: int) -> tuple[str, str]:
    return ".txt", QUESTION + "Candidate: " + "and more\n" * lines


def candidate_lines(lines: int) -> tuple[str, str]:
    return ".txt", QUESTION + "".join(f"Candidate: I did item {i}.\n" for i in range(lines))


def short_lines(lines: int) -> tuple[str, str]:
    return ".txt", QUESTION + "Candidate: " + "ok so\n" * lines


def vtt_cues(cues: int) -> tuple[str, str]:
    def stamp(seconds: float) -> str:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"

    out = ["WEBVTT", "", f"{stamp(0)} --> {stamp(2)}", "<v Interviewer>Tell me about a project you are proud of.", ""]
    for i in range(1, cues):
        out += [f"{stamp(2 * i)} --> {stamp(2 * i + 1.8)}", f"<v Candidate>then I fixed part {i} of it", ""]
    return ".vtt", "\n".join(out)


FAMILIES: dict[str, tuple[Callable[[int], tuple[str, str]], tuple[int, ...]]] = {
    "and-more": (and_more, (1_000, 2_000, 4_000)),
    "candidate-lines": (candidate_lines, (2_500, 5_000, 10_000)),
    "short-lines": (short_lines, (25_000, 50_000, 100_000)),
    "vtt-cues": (vtt_cues, (5_000, 10_000, 20_000)),
}


def machine() -> str:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{platform.node()} {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load {load}, "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per input; the median is reported")
    parser.add_argument("--only", default=",".join(FAMILIES), help="comma-separated families")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    args = parser.parse_args()

    from analyzer.errors import InputError
    from analyzer.pipeline import Analyzer
    from analyzer.report import render

    analyzer = Analyzer()
    analyzer.analyze(QUESTION + "Candidate: I built the billing export and it cut the month-end work by half.\n")
    print(f"# {machine()}")
    print(f"# runs per input: {args.runs} (median)")
    print(f"{'input':<18} {'size':>9} {'KB':>8} {'wall s':>9} {'CPU s':>9} {'CPU s/KB':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.only.split(","):
            build, sizes = FAMILIES[name]
            for size in (max(1, int(s * args.scale)) for s in sizes):
                suffix, text = build(size)
                path = Path(folder) / f"{name}-{size}{suffix}"
                path.write_text(text, encoding="utf-8")
                kb = path.stat().st_size / 1024
                wall, cpu = [], []
                try:
                    for _ in range(args.runs):
                        started, started_cpu = time.perf_counter(), time.process_time()
                        render(analyzer.analyze(path), "json")
                        wall.append(time.perf_counter() - started)
                        cpu.append(time.process_time() - started_cpu)
                except InputError as error:  # e.g. over the reader's size limits: refused by design
                    print(f"{name:<18} {size:>9,} {kb:>8.0f}  refused: {error}", flush=True)
                    continue
                print(f"{name:<18} {size:>9,} {kb:>8.0f} {statistics.median(wall):>9.2f} "
                      f"{statistics.median(cpu):>9.2f} {statistics.median(cpu) / kb:>9.3f}", flush=True)


if __name__ == "__main__":
    main()
