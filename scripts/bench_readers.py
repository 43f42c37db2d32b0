"""Time the transcript readers on long inputs: reading must take time linear in the length (#22).

    python scripts/bench_readers.py            # 25k, 50k and 100k lines / cues per format
    python scripts/bench_readers.py --sizes 10000 20000

For each format it writes files of growing length (one speaker throughout, the case that once merged
turns in quadratic time, and two alternating speakers), reads each with ``read_input`` (best of 3) and
prints seconds, microseconds per line and the ratio to the previous size (about 2.0 when linear at
doubling sizes). The files stay under the 500,000-character limit, so every read succeeds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from analyzer.pipeline import read_input


def clock(seconds: int, sep: str) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}000"


def speaker(n: int, alternate: bool) -> str:
    return ("Interviewer" if n % 2 == 0 else "Candidate") if alternate else "Candidate"


def make(kind: str, n: int, alternate: bool) -> str:
    if kind == "txt":
        return "Interviewer: Why?\n" + "".join(f"{speaker(i, alternate)}: ok\n" for i in range(n))
    if kind == "srt":
        return "".join(f"{i + 1}\n{clock(i // 2, ',')} --> {clock(i // 2 + 1, ',')}\n{speaker(i, alternate)}: ok\n\n"
                       for i in range(n))
    return "WEBVTT\n\n" + "".join(f"{clock(i // 2, '.')} --> {clock(i // 2 + 1, '.')}\n<v {speaker(i, alternate)}>ok\n\n"
                                  for i in range(n))


def best_of(path: Path, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        read_input(path)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    args = parser.parse_args()
    print(f"{'format':<6} {'speakers':<10} {'lines':>8} {'seconds':>8} {'us/line':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("txt", "srt", "vtt"):
            for alternate in (False, True):
                previous = None
                for n in args.sizes:
                    path = Path(folder) / f"bench.{kind}"
                    path.write_text(make(kind, n, alternate), encoding="utf-8")
                    seconds = best_of(path)
                    ratio = f"{seconds / previous:.2f}" if previous else ""
                    print(f"{kind:<6} {'two' if alternate else 'one':<10} {n:>8} {seconds:>8.2f} "
                          f"{seconds / n * 1e6:>8.1f} {ratio:>6}", flush=True)
                    previous = seconds


if __name__ == "__main__":
    main()
