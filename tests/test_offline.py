"""The analyzer never touches the network: the quick-start analysis runs with internet sockets blocked, on a
first run (an empty cache: the models are unpacked and converted then), and prints only what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BLOCK_SOCKETS = '''
import socket

class _NoNetwork(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            raise OSError("network access attempted during the test (internet sockets are blocked)")
        super().__init__(family, type, proto, fileno)

def _no_lookup(*args, **kwargs):
    raise OSError("network access attempted during the test (name lookups are blocked)")

socket.socket = _NoNetwork
socket.getaddrinfo = _no_lookup
socket.create_connection = _no_lookup
'''


def offline_env(tmp_path: Path) -> dict[str, str]:
    """The environment with a ``sitecustomize`` first on ``PYTHONPATH`` that blocks internet sockets and lookups."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCK_SOCKETS)
    paths = [str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def test_a_first_quick_start_analysis_runs_with_the_network_blocked_and_prints_only_what_it_wrote(
        samples: Path, tmp_path: Path):
    env = {**offline_env(tmp_path), "INTERVIEW_ANALYZER_CACHE": str(tmp_path / "empty-cache")}
    for attempt in ("socket.socket()", "socket.getaddrinfo('localhost', 80)"):  # the block is in force
        probe = subprocess.run([sys.executable, "-c", f"import socket; {attempt}"], capture_output=True, text=True,
                               env=env)
        assert probe.returncode != 0 and "network access attempted" in probe.stderr, attempt
    out = tmp_path / "reports"
    result = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(samples / "weak_candidate_audio.ogg"),
                             str(samples / "strong_candidate.txt"), "--format", "json,html", "--out", str(out)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    # no warning of the one-time model conversions (torch's tracer ran in the preloading thread) or anything else
    assert result.stderr.splitlines() == [f"wrote {out / name}" for name in (
        "weak_candidate_audio.json", "weak_candidate_audio.html", "strong_candidate.json", "strong_candidate.html")]
    for name in ("weak_candidate_audio", "strong_candidate"):
        assert json.loads((out / f"{name}.json").read_text())["answers"]
        assert (out / f"{name}.html").stat().st_size > 0
