"""``batch --ray``: the same batch on a real two-node Ray cluster (head and worker node as separate
processes, in a private network namespace: tests/ray_cluster.py), compared byte for byte with a local
batch; actors killed mid-run, a session that kills its actor twice, and a killed driver run again."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import batch
from analyzer.batch.cluster import ACTOR_MEMORY_MIB, plan_slots
from analyzer.config import load as load_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ray_cluster  # noqa: E402  (the helper module beside this file)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUMMARY_FILES = ("summary.json", "summary.csv", "errors.json", "index.html")
GiB = 2**30


def needs_cluster() -> pytest.MarkDecorator:
    reason = ray_cluster.why_not_available()
    return pytest.mark.skipif(reason is not None, reason=f"no Ray cluster here: {reason}")


def outputs(out: Path) -> dict[str, bytes]:
    """Every file the batch wrote under ``out`` except its state folder and lock, with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).parts[0].startswith(".")}


def assert_nothing_half_written(out: Path) -> None:
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []
    for manifest in (out / ".batch-state").rglob("*.json"):
        for entry in json.loads(manifest.read_text())["outputs"].values():
            report = out / entry["path"]
            assert hashlib.sha256(report.read_bytes()).hexdigest() == entry["sha256"], report
    for report in out.rglob("*.json"):
        json.loads(report.read_text())


def transcripts(root: Path, samples: Path, copies: int = 1) -> list[str]:
    names = ["strong_candidate.txt", "weak_candidate.vtt", "technical_panel.srt", "self_practice.txt",
             "filler_heavy_answer.txt"]
    made = []
    for i in range(copies):
        folder = root / f"cand{i}"
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy(samples / name, folder / name)
            made.append(f"cand{i}/{name}")
        shutil.copy(samples / "self_practice.questions.txt", folder / "self_practice.questions.txt")
    return made


# --------------------------------------------------------------------------- without a cluster


def test_without_ray_the_option_stops_with_one_line_naming_the_install_command(tmp_path: Path, samples: Path):
    code = ("import sys; sys.modules['ray'] = None; from analyzer.cli import main; "
            f"sys.argv = ['interview-analyzer', 'batch', {str(samples)!r}, '--out', {str(tmp_path / 'out')!r}, "
            "'--ray', 'auto']; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert 'pip install "interview-analyzer[ray]"' in result.stderr
    assert not (tmp_path / "out").exists()


def test_slots_follow_each_nodes_cpus_and_memory_and_spread_over_nodes():
    nodes = [
        {"NodeID": "a", "Alive": True, "Resources": {"CPU": 4.0, "memory": 64 * GiB}},
        {"NodeID": "b", "Alive": True, "Resources": {"CPU": 8.0, "memory": 2 * ACTOR_MEMORY_MIB * 2**20}},
        {"NodeID": "c", "Alive": False, "Resources": {"CPU": 16.0, "memory": 64 * GiB}},
        {"NodeID": "d", "Alive": True, "Resources": {"memory": 64 * GiB}},  # no CPU: no slot
    ]
    slots = plan_slots(nodes)
    assert [(s.node_id, s.index, s.count) for s in slots] == [("a", 0, 4), ("b", 0, 2), ("a", 1, 4), ("b", 1, 2),
                                                              ("a", 2, 4), ("a", 3, 4)]
    assert [(s.node_id, s.index, s.count) for s in plan_slots(nodes, limit=3)] == [("a", 0, 2), ("b", 0, 1), ("a", 1, 2)]


def test_longest_sessions_start_first(tmp_path: Path, samples: Path):
    from analyzer.batch.discovery import discover
    from analyzer.batch.workers import Task, longest_first

    transcripts(tmp_path / "in", samples)
    shutil.copy(samples / "weak_candidate_audio.ogg", tmp_path / "in" / "short.ogg")
    shutil.copy(samples / "mock_interview_audio.ogg", tmp_path / "in" / "long.ogg")
    tasks = [Task(s, "", str(tmp_path / "out"), ["json"]) for s in discover([str(tmp_path / "in")], tmp_path / "out")]
    order = [t.session.rel for t in longest_first(tasks)]
    assert order[:2] == ["long.ogg", "short.ogg"]
    sizes = [(tmp_path / "in" / rel).stat().st_size for rel in order[2:]]
    assert sizes == sorted(sizes, reverse=True)


# --------------------------------------------------------------------------- on a two-node cluster


@needs_cluster()
@pytest.mark.slow
def test_a_batch_on_a_two_node_cluster_writes_the_same_bytes_as_a_local_batch(tmp_path: Path, samples: Path):
    root = tmp_path / "in"
    transcripts(root, samples)
    shutil.copy(samples / "weak_candidate_audio.ogg", root / "cand0" / "2026-03-01_recording.ogg")
    (root / "bad").mkdir()
    (root / "bad" / "empty.txt").write_bytes(b"")
    local = tmp_path / "local"
    batch.run_batch([str(root)], local, load_config(), jobs=1)

    # the cluster transcribes on its own (a cache of its own), with every check and every format
    command = ray_cluster.batch_command(str(root), "--out", str(tmp_path / "ray"), "--ray", ray_cluster.ADDRESS)
    result = ray_cluster.run_in_cluster(f"{command}; echo \"exit=$?\"", cwd=tmp_path, timeout=900,
                                        env={"INTERVIEW_ANALYZER_CACHE": str(tmp_path / "ray-cache")})
    assert "exit=3" in result.stdout, result.stderr[-3000:]  # bad/empty.txt failed, as locally
    assert "ok   cand0/2026-03-01_recording.ogg (" in result.stderr
    assert "FAIL bad/empty.txt" in result.stderr
    assert (tmp_path / "ray-cache" / "transcripts").is_dir()
    ray_outputs, local_outputs = outputs(tmp_path / "ray"), outputs(local)
    assert sorted(ray_outputs) == sorted(local_outputs)
    for name, data in local_outputs.items():
        assert ray_outputs[name] == data, name
    for name in SUMMARY_FILES:
        assert name in ray_outputs
    assert_nothing_half_written(tmp_path / "ray")


@needs_cluster()
@pytest.mark.slow
def test_killed_actors_and_a_killed_driver_lose_nothing_and_half_write_nothing(tmp_path: Path, samples: Path):
    made = transcripts(tmp_path / "in", samples, copies=2)
    (tmp_path / "in" / "crash.srt").write_bytes((samples / "technical_panel.srt").read_bytes())
    helper = shlex.join([sys.executable, str(Path(ray_cluster.__file__))])
    body = "\n".join([
        f"{helper} crash-batch {tmp_path / 'in'} {tmp_path / 'crash'} {tmp_path / 'crash.log'}",
        f"{helper} kill-driver-and-rerun {tmp_path / 'in'} {tmp_path / 'resumed'} {tmp_path / 'resumed.log'}",
        'echo "exit=$?"',
    ])
    result = ray_cluster.run_in_cluster(body, cwd=tmp_path, timeout=900)
    assert "exit=0" in result.stdout, result.stderr[-3000:]
    clean = tmp_path / "clean"
    batch.run_batch([str(tmp_path / "in")], clean, load_config(select=["rambling"]), formats=["json", "md"], jobs=1)

    # an actor SIGKILLed mid-session: restarted, the session analysed again; the session that kills
    # its actor every time: recorded failed after two deaths; every other session finished
    crash = json.loads((tmp_path / "crash.log").read_text())
    assert len(crash["killed"]) == 1, crash
    assert list(crash["failed"]) == ["crash.srt"]
    assert crash["failed"]["crash.srt"].endswith("the Ray actor died 2 times while analysing it "
                                                 "(out of memory or a crash in a native library)")
    rows = {r["session"]: r["status"] for r in json.loads((tmp_path / "crash" / "summary.json").read_text())["rows"]}
    assert rows == {**{rel: "ok" for rel in made}, "crash.srt": "failed"}
    assert_nothing_half_written(tmp_path / "crash")
    crash_outputs, clean_outputs = outputs(tmp_path / "crash"), outputs(clean)
    for name, data in crash_outputs.items():
        if name.startswith(tuple(f"cand{i}/" for i in range(2))):
            assert data == clean_outputs[name], name

    # the driver SIGKILLed once a session was finished, then run again: nothing finished is redone
    resumed = json.loads((tmp_path / "resumed.log").read_text())
    assert resumed["killed_returncode"] == -9 and resumed["finished"], resumed
    assert resumed["rerun_returncode"] == 0, resumed["rerun_stderr"][-3000:]
    for rel in resumed["finished"]:
        assert f"skip {rel} (unchanged" in resumed["rerun_stderr"]
    assert {p: (tmp_path / "resumed" / p).stat().st_mtime_ns for p in resumed["stamps"]} == resumed["stamps"]
    assert_nothing_half_written(tmp_path / "resumed")
    assert outputs(tmp_path / "resumed") == clean_outputs
