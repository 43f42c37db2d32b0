"""Batch throughput on a Ray cluster (``batch --ray``) with 1 and 2 actors, against the local pool with
1 and 2 worker processes, on the same inputs and machine.

The cluster is one Ray node started on this machine (``ray start --head --num-cpus=CORES``) inside a
private network namespace with only the loopback interface (``unshare``, run as root), so its traffic
stays on 127.0.0.1; ``ray stop --force`` ends it. Inputs are ``sample_transcripts/`` copied ``--copies``
times; every run is cold (fresh actors or worker processes that load their models) and transcribes every
recording (the transcript cache is off), as in scripts/bench_batch.py.

    python scripts/bench_ray.py --copies 2 --repeat 1

Prints a Markdown table (for docs/scaling.md). The local runs use scripts/bench_batch.py's measurement and
run in the same namespace (they need no network), so each round runs the four settings in turn.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_batch import cold_run, cpu_model, make_inputs  # noqa: E402

PORT = 6391
ADDRESS = f"127.0.0.1:{PORT}"


def ray_run(inputs: Path, actors: int) -> dict[str, float]:
    """One measurement inside the namespace: ``run_batch`` on the cluster with ``actors`` actors."""
    from analyzer.batch import run_batch
    from analyzer.config import Config

    with tempfile.TemporaryDirectory(prefix="bench-ray-out-") as out:
        started = time.perf_counter()
        result = run_batch([str(inputs)], Path(out), Config(), audio={"cache": False}, jobs=actors, force=True,
                           ray=ADDRESS)
        wall = time.perf_counter() - started
    ok = [o for o in result.outcomes.values() if o.ok]
    for failure in result.failed:
        print(f"failed: {failure.error}", file=sys.stderr)
    audio_s = sum(o.metrics.get("duration_s") or 0 for o in ok)
    return {"setting": f"Ray, {actors} actor{'s' if actors > 1 else ''}", "ok": len(ok), "failed": len(result.failed),
            "audio_s": audio_s, "wall_s": wall, "sessions_per_min": 60 * len(ok) / wall,
            "audio_hours_per_hour": audio_s / wall}


def in_namespace(inputs: Path, repeat: int, cores: int) -> list[dict[str, float]]:
    """Start a one-node cluster in a private network namespace and take every measurement there (the
    local ones too, so all four settings alternate through the same spells of load); stop the cluster."""
    ray = shlex.quote(str(Path(sys.executable).parent / "ray"))
    with tempfile.TemporaryDirectory(prefix="ray-", dir="/tmp") as temp_dir:
        result = Path(temp_dir) / "result.json"
        inner = shlex.join([sys.executable, __file__, "--inside", "--inputs", str(inputs),
                            "--repeat", str(repeat), "--result", str(result)])
        script = "\n".join([
            "ip link set lo up || exit 90",
            f"trap '{ray} stop --force >/dev/null 2>&1' EXIT",
            f"{ray} start --head --port={PORT} --num-cpus={cores} --include-dashboard=false --disable-usage-stats "
            f"--object-store-memory={80 * 2**20} --temp-dir={temp_dir} >/dev/null || exit 91",
            inner,
        ])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               "RAY_USAGE_STATS_ENABLED": "0"}
        done = subprocess.run(["unshare", "--net", "--pid", "--fork", "--mount-proc", "sh", "-c", script],
                              env=env, stdout=subprocess.DEVNULL)  # stderr: each run's wall time as it ends
        if done.returncode != 0 or not result.exists():
            raise SystemExit(f"the runs failed (exit {done.returncode})")
        return json.loads(result.read_text())


def measure(inputs: Path, repeat: int) -> list[dict[str, float]]:
    """Inside the namespace: each round runs every setting once, in turn; the median run of each."""
    settings = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
    runs: dict[tuple[str, int], list[dict[str, float]]] = {s: [] for s in settings}
    for _ in range(repeat):
        for kind, n in settings:
            if kind == "local":
                run = {**cold_run(inputs, n), "setting": f"local pool, {n} process{'es' if n > 1 else ''}"}
            else:
                run = ray_run(inputs, n)
            runs[(kind, n)].append(run)
            print(f"{run['setting']}: {run['wall_s']:.1f} s", file=sys.stderr, flush=True)
    return [median(r) for r in runs.values()]


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**ordered[(len(ordered) - 1) // 2], "all_walls": [round(r["wall_s"], 1) for r in runs]}


def table(rows: list[dict[str, float]], command: str, commit: str, copies: int, load: float) -> str:
    lines = [
        f"Command: `{command}` at commit {commit}  ",
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {cpu_model()}, {os.cpu_count()} cores; "
        f"load average at start {load:.1f} (the machine was shared with other work, so absolute numbers vary).",
        "",
        f"Input: `sample_transcripts/` copied {copies}x, default configuration, all report formats, transcript cache off.",
        "",
        "| setting | sessions (ok/failed) | audio (min) | wall (s), median | sessions/min | audio hours/hour | wall of every run (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['setting']} | {r['ok']}/{r['failed']} | {r['audio_s'] / 60:.1f} | {r['wall_s']:.1f} | "
                     f"{r['sessions_per_min']:.1f} | {r['audio_hours_per_hour']:.1f} | "
                     f"{', '.join(map(str, r['all_walls']))} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "sample_transcripts", help="Folder of sample sessions.")
    parser.add_argument("--copies", type=int, default=2, help="Copies of the sample folder to analyse (default 2).")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per setting; the median run is reported.")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # in the namespace, beside the cluster: every measurement, as JSON in --result
        args.result.write_text(json.dumps(measure(args.inputs, args.repeat)))
        return
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        raise SystemExit("needs unshare (util-linux) and ip (iproute2), run as root")
    load = os.getloadavg()[0]
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-ray-in-") as tmp:
        inputs = Path(tmp) / "sessions"
        make_inputs(args.samples, inputs, args.copies)
        rows = in_namespace(inputs, args.repeat, cores)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, ROOT), *sys.argv[1:]])
    print(table(rows, command, commit, args.copies, load))


if __name__ == "__main__":
    main()
