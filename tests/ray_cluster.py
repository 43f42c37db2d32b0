"""A real two-node Ray cluster for tests, inside a private network namespace.

Ray turns ``127.0.0.1`` into the machine's outward address unless the loopback interface is the only
one, so everything runs under ``unshare --net``: the head (``ray start --head``) and a second node
(``ray start --address``) are separate processes that talk over loopback only, and the test's commands
run beside them. The namespace also has its own process ids (``--pid --fork --mount-proc``), so
``ray stop --force`` sees only this cluster's processes, and whatever is left when the script ends is
killed with it. ``ray stop --force`` runs in every case (a shell ``trap``).
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 6390
ADDRESS = f"127.0.0.1:{PORT}"
UNSHARE = ["unshare", "--net", "--pid", "--fork", "--mount-proc"]
OBJECT_STORE_BYTES = 80 * 2**20
"""Ray's shared-memory object store per node: tasks carry paths, so a small one is plenty."""


def why_not_available() -> str | None:
    """Why a cluster cannot be started here (a skip reason), or None."""
    if importlib.util.find_spec("ray") is None:
        return 'ray is not installed (pip install -c constraints.txt ".[ray]")'
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (util-linux / iproute2)"
    probe = subprocess.run([*UNSHARE, "sh", "-c", "ip link set lo up"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"a private network namespace is not permitted here: {probe.stderr.strip() or probe.returncode}"
    return None


def _ray(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "ray.scripts.scripts", *args])


def cluster_script(body: str, temp_dir: str, cpus_per_node: tuple[int, ...] = (1, 1)) -> str:
    """A shell script: loopback up, a head and the other nodes started (``cpus_per_node``), ``body``
    run, ``ray stop --force`` on the way out whatever happened."""
    common = ["--object-store-memory", str(OBJECT_STORE_BYTES), "--disable-usage-stats"]
    head, *others = cpus_per_node
    lines = [
        "set -u",
        "ip link set lo up || exit 90",
        f"trap '{_ray('stop', '--force')} >/dev/null 2>&1' EXIT",
        _ray("start", "--head", f"--port={PORT}", f"--num-cpus={head}", "--include-dashboard=false",
             f"--temp-dir={temp_dir}", *common) + " >/dev/null || exit 91",
        *(_ray("start", f"--address={ADDRESS}", f"--num-cpus={cpus}", *common) + " >/dev/null || exit 92"
          for cpus in others),
        body,
    ]
    return "\n".join(lines) + "\n"


def run_in_cluster(body: str, *, cwd: Path, timeout: float, cpus_per_node: tuple[int, ...] = (1, 1),
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the shell ``body`` beside a fresh cluster (``ADDRESS``) in a private namespace; the analyzer
    of this checkout is the one imported, by the driver and by every Ray worker."""
    environment = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        "RAY_USAGE_STATS_ENABLED": "0"}
    with tempfile.TemporaryDirectory(prefix="ray-", dir="/tmp") as temp_dir:  # short: it holds Unix sockets
        script = cluster_script(body, temp_dir, cpus_per_node)
        return subprocess.run([*UNSHARE, "sh", "-c", script], cwd=cwd, env=environment, capture_output=True,
                              text=True, timeout=timeout)


def batch_command(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "analyzer", "batch", *args])


# --------------------------------------------------------------------------- run inside the namespace


def analysing_actor_pid(timeout: float = 300.0) -> int | None:
    """The process id of an actor busy analysing a session (Ray titles it ``ray::SessionActor.analyse``)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-f", "^ray::[A-Za-z]*Actor[.]analyse"], capture_output=True, text=True)
        pids = [int(p) for p in found.stdout.split()]
        if pids:
            return pids[0]
        time.sleep(0.05)
    return None


def crash_batch(inputs: str, out: str, log: str) -> int:
    """A batch on the cluster whose actors die (``os._exit``) on every session named ``crash*``, while one
    actor busy on another session is SIGKILLed from outside; records what it killed in ``log``."""
    import json
    import signal
    import threading

    from analyzer.batch import cluster, run_batch
    from analyzer.config import load

    class CrashingActor(cluster.SessionActor):  # defined in __main__: Ray ships it to the workers by value
        def analyse(self, task):  # type: ignore[no-untyped-def]
            if task.session.rel.startswith("crash"):
                os._exit(1)
            return super().analyse(task)

    cluster._Scheduler.actor_class = CrashingActor
    killed: list[int] = []

    def kill_one() -> None:
        pid = analysing_actor_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    killer = threading.Thread(target=kill_one)
    killer.start()
    result = run_batch([inputs], Path(out), load(select=["rambling"]), formats=["json", "md"], ray=ADDRESS)
    killer.join()
    Path(log).write_text(json.dumps({"killed": killed, "failed": {o.rel: o.error for o in result.failed}}))
    return 0


def kill_driver_and_rerun(inputs: str, out: str, log: str) -> int:
    """``batch --ray`` SIGKILLed (driver and its process group) once one session is finished, then run
    again to the end; ``log`` gets the sessions finished before the kill with their reports' mtimes."""
    import json
    import signal
    import time

    args = [inputs, "--out", out, "--ray", ADDRESS, "--format", "json,md", "--select", "rambling"]
    state = Path(out) / ".batch-state"
    driver = subprocess.Popen([sys.executable, "-m", "analyzer", "batch", *args], start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while driver.poll() is None and not list(state.rglob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    finished = sorted(p.relative_to(state).as_posix()[: -len(".json")] for p in state.rglob("*.json"))
    stamps = {f"{rel}{ext}": (Path(out) / f"{rel}{ext}").stat().st_mtime_ns for rel in finished for ext in (".json", ".md")}
    rerun = subprocess.run([sys.executable, "-m", "analyzer", "batch", *args], capture_output=True, text=True)
    Path(log).write_text(json.dumps({"killed_returncode": driver.returncode, "finished": finished, "stamps": stamps,
                                     "rerun_returncode": rerun.returncode, "rerun_stderr": rerun.stderr}))
    return 0


SCENARIOS = {"crash-batch": crash_batch, "kill-driver-and-rerun": kill_driver_and_rerun}

if __name__ == "__main__":
    sys.exit(SCENARIOS[sys.argv[1]](*sys.argv[2:]))
