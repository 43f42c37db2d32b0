"""Batch mode: discovery, reports and errors, the summary, resuming, and surviving SIGKILL.

The batch runs as a real process (``python -m analyzer batch``); the audio tests transcribe
with the real bundled Whisper model.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer import batch
from analyzer.batch import discover, session_metrics, workers
from analyzer.batch import manifests as batch_manifests
from analyzer.config import Config, from_mapping
from analyzer.config import load as load_config
from analyzer.datamodel import Answer, Report, Utterance
from analyzer.fileio import file_sha256

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMATS = "json,md"
ONE_RULE = ("--select", "rambling")
"""For tests of the batch machinery itself (fast); the mixed-folder test runs every check."""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "batch", *args], capture_output=True, text=True, cwd=cwd)


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_sessions(root: Path, samples: Path, *, audio: bool) -> dict[str, str]:
    """A practice folder: good transcripts in candidate folders, sidecars, bad files; returns
    the expected status per mirrored session path."""
    shutil.copy(samples / "strong_candidate.txt", _dir(root / "alice") / "2026-01-05_mock.txt")
    shutil.copy(samples / "weak_candidate.vtt", root / "alice" / "2026-02-01_mock.vtt")
    shutil.copy(samples / "self_practice.txt", _dir(root / "bob") / "practice.txt")
    shutil.copy(samples / "self_practice.questions.txt", root / "bob" / "practice.questions.txt")
    shutil.copy(samples / "technical_panel.srt", root / "panel.srt")
    _write(root / "panel.meta.toml", 'candidate = "bob"\ndate = 2026-03-01\n')
    _write(root / "bad" / "empty.txt", b"")
    _write(root / "bad" / "garbage.txt", bytes(range(256)) * 4)
    _write(root / "bad" / "notes.pdf", b"%PDF-1.4 not a transcript")
    _write(root / "bad" / "broken.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(300))
    expected = {"alice/2026-01-05_mock.txt": "ok", "alice/2026-02-01_mock.vtt": "ok", "bob/practice.txt": "ok",
                "panel.srt": "ok", "bad/empty.txt": "failed", "bad/garbage.txt": "failed",
                "bad/notes.pdf": "failed", "bad/broken.wav": "failed"}
    if audio:
        shutil.copy(FIXTURES / "voice_lively.ogg", root / "alice" / "2026-03-01_voice.ogg")
        _write(root / "alice" / "2026-03-01_voice.questions.txt", "Why do you want this job?\n")
        expected["alice/2026-03-01_voice.ogg"] = "ok"
    return expected


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def reports(out: Path) -> dict[str, bytes]:
    """Every report file under ``out`` (not the summary, manifests or lock) with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).as_posix().startswith(".")
            and p.name not in {"summary.json", "summary.csv", "errors.json", "index.html"}}


def manifests(out: Path) -> list[str]:
    state = out / ".batch-state"
    return sorted(p.relative_to(state).as_posix()[: -len(".json")] for p in state.rglob("*.json")) if state.exists() else []


# --------------------------------------------------------------------------- discovery (pure logic)


def test_discovery_mirrors_folders_skips_sidecars_and_reads_metadata(tmp_path: Path, samples: Path):
    make_sessions(tmp_path / "in", samples, audio=False)
    _write(tmp_path / "in" / "carol" / "practice.txt", "x")  # same file name as bob/practice.txt
    _write(tmp_path / "in" / ".hidden.txt", "x")
    out = tmp_path / "in" / "reports"  # output inside the input folder is never read back
    _write(out / "old.txt", "x")
    sessions = {s.rel: s for s in discover([str(tmp_path / "in")], out)}
    assert sorted(sessions) == ["alice/2026-01-05_mock.txt", "alice/2026-02-01_mock.vtt", "bad/broken.wav",
                                "bad/empty.txt", "bad/garbage.txt", "bad/notes.pdf", "bob/practice.txt",
                                "carol/practice.txt", "panel.srt"]
    assert sessions["bob/practice.txt"].questions == str(tmp_path / "in" / "bob" / "practice.questions.txt")
    assert (sessions["alice/2026-02-01_mock.vtt"].candidate, sessions["alice/2026-02-01_mock.vtt"].date) == ("alice", "2026-02-01")
    assert (sessions["panel.srt"].candidate, sessions["panel.srt"].date) == ("bob", "2026-03-01")
    assert sessions["carol/practice.txt"].date is None


def test_discovery_skips_reports_and_batch_outputs_left_in_the_input_folder(tmp_path: Path, samples: Path):
    from html_fixtures import build_report

    from analyzer.report import EXTENSIONS, render

    shutil.copy(samples / "strong_candidate.txt", _dir(tmp_path / "in") / "mock.txt")
    report = build_report()
    for fmt, ext in EXTENSIONS.items():  # what `analyze` leaves in its default reports/ folder
        _write(tmp_path / "in" / "reports" / f"mock{ext}", render(report, fmt))
    _write(tmp_path / "in" / "old-batch" / ".batch-state" / "mock.json", "{}")  # an earlier batch's --out
    _write(tmp_path / "in" / "old-batch" / "mock.md", "Interviewer: Why?\nCandidate: Because.\n")
    _write(tmp_path / "in" / "notes.md", "Interviewer: Why?\nCandidate: Because.\n")  # a transcript stays
    assert sorted(s.rel for s in discover([str(tmp_path / "in")], tmp_path / "out")) == ["mock.txt", "notes.md"]
    # named explicitly, a file is analysed whatever it looks like
    assert [s.rel for s in discover([str(tmp_path / "in" / "reports" / "mock.md")], tmp_path / "out")] == ["mock.md"]


def test_discovery_of_globs_missing_paths_and_bad_metadata(tmp_path: Path, samples: Path):
    make_sessions(tmp_path, samples, audio=False)
    _write(tmp_path / "alice" / "2026-01-05_mock.meta.toml", "mood = 'great'\n")
    found = {s.rel: s for s in discover([str(tmp_path / "*" / "*.txt"), str(tmp_path / "nope.txt"),
                                         str(tmp_path / "*.none")], tmp_path / "out")}
    assert sorted(found) == [str(tmp_path / "*.none"), str(tmp_path / "nope.txt"), "alice/2026-01-05_mock.txt",
                             "bad/empty.txt", "bad/garbage.txt", "bob/practice.txt"]
    assert found[str(tmp_path / "nope.txt")].problem.endswith("nope.txt: no such file")
    assert found[str(tmp_path / "*.none")].problem.endswith("no files match this pattern")
    assert "unknown metadata key 'mood'" in found["alice/2026-01-05_mock.txt"].problem


def test_session_metrics_pool_answers_and_skip_checks_that_did_not_run():
    def answer(i: int, text: str, seconds: float | None, kind: str, metrics: dict) -> Answer:
        return Answer(id=f"q{i}", question=Utterance("Tell me about a time...", "I"), question_kind=kind,
                      answer=Utterance(text, "C", 0.0 if seconds else None, seconds), metrics=metrics)

    answers = [
        answer(1, "um so I led the team " * 6, 12.0, "behavioural",
               {"fillers": {"count": 6}, "star": {"parts_present": ["situation", "action", "result"]},
                "enthusiasm": {"score": 40.0}}),
        answer(2, "I like data " * 10, 18.0, "motivation", {"fillers": {"count": 0}, "enthusiasm": {"score": 80.0}}),
    ]
    summary = {"checks": {"filler-words": {}, "missing-star": {}}, "flags": {"filler-words": 1}, "score": 75,
               "candidate_words": 66, "worst_severity": "warning"}
    metrics = session_metrics(Report(input={"duration_s": 40.0}, speakers={}, answers=answers, summary=summary))
    assert metrics["words_per_minute"] == 132.0  # 66 words in 30 s of answers
    assert metrics["fillers_per_minute"] == 12.0 and metrics["fillers_per_100_words"] == pytest.approx(9.09)
    assert metrics["star_coverage"] == 75.0  # only the behavioural answer was assessed
    assert metrics["enthusiasm"] == 60.0
    assert (metrics["answers"], metrics["duration_s"], metrics["flags_total"]) == (2, 40.0, 1)

    summary["checks"] = {"rambling": {}}  # neither check ran: no numbers rather than zeros
    untimed = [answer(1, "um well " * 10, None, "behavioural", {})]
    metrics = session_metrics(Report(input={}, speakers={}, answers=untimed, summary=summary))
    assert [metrics[k] for k in ("words_per_minute", "fillers_per_minute", "fillers_per_100_words",
                                 "star_coverage", "enthusiasm")] == [None] * 5


def test_star_coverage_counts_an_action_told_only_with_we_as_missing(samples: Path):
    # weak_candidate.vtt q1 tells a situation, actions only with "we" and an outcome without numbers ("which,
    # like, didn't help at all", a result since #24): the STAR check (and the HTML chart) count the Action as
    # missing, so the session's coverage is 2 parts of 4 (Situation and Result), not 3.
    from analyzer.pipeline import Analyzer

    report = Analyzer(from_mapping({"select": ["missing-star"]})).analyze(samples / "weak_candidate.vtt")
    [flag] = [f for a in report.answers for f in a.flags]
    assert flag.detail["actions_only_we"] and "action" in flag.detail["missing"] and flag.value == 2
    assert session_metrics(report)["star_coverage"] == 50.0


# --------------------------------------------------------------------------- a mixed folder


@pytest.mark.slow
def test_folder_gives_reports_for_good_files_errors_for_bad_and_a_summary(tmp_path: Path, samples: Path):
    expected = make_sessions(tmp_path / "in", samples, audio=True)
    out = tmp_path / "out"
    result = run(str(tmp_path / "in"), "--out", str(out), "--jobs", "2", "--format", FORMATS)
    assert result.returncode == 3, result.stderr

    summary = json.loads((out / "summary.json").read_text())
    rows = {r["session"]: r for r in summary["rows"]}
    assert {k: r["status"] for k, r in rows.items()} == expected
    assert (summary["succeeded"], summary["failed"]) == (5, 4)
    for session, status in expected.items():
        made = sorted(p.name for p in (out / session).parent.glob(Path(session).name + ".*"))
        assert made == ([f"{Path(session).name}.json", f"{Path(session).name}.md"] if status == "ok" else []), session
    report = json.loads((out / "bob" / "practice.txt.json").read_text())
    assert [a["question"]["text"] for a in report["answers"]] == \
        (samples / "self_practice.questions.txt").read_text().splitlines()  # the questions sidecar was used
    assert rows["bob/practice.txt"]["answers"] == 3
    assert rows["bob/practice.txt"]["flags_total"] == sum(len(a["flags"]) for a in report["answers"])
    assert rows["panel.srt"]["candidate"] == "bob" and rows["alice/2026-02-01_mock.vtt"]["words_per_minute"] > 0
    voice = json.loads((out / "alice" / "2026-03-01_voice.ogg.json").read_text())
    assert voice["input"]["asr"]["engine"] == "faster-whisper" and "excited" in voice["answers"][0]["answer"]["text"].lower()
    assert rows["alice/2026-03-01_voice.ogg"]["duration_s"] == pytest.approx(8.88, abs=0.05)

    errors = {e["session"]: e["error"] for e in json.loads((out / "errors.json").read_text())}
    assert errors.keys() == {k for k, v in expected.items() if v == "failed"}
    assert errors["bad/empty.txt"].endswith("file is empty")
    assert "binary" in errors["bad/garbage.txt"]
    assert "unsupported file type .pdf" in errors["bad/notes.pdf"]
    assert "audio" in errors["bad/broken.wav"]
    assert rows["bad/empty.txt"]["error"] == errors["bad/empty.txt"]

    with (out / "summary.csv").open(newline="") as stream:
        table = list(csv.DictReader(stream))
    assert [r["session"] for r in table] == sorted(expected)
    assert {r["session"]: r["status"] for r in table} == expected
    assert table[0]["report.json"] == "alice/2026-01-05_mock.txt.json" and "flags.rambling" in table[0]

    index = (out / "index.html").read_text()
    for session, status in expected.items():
        assert (f'href="{session}.md"' in index) == (status == "ok"), session
    assert "<script" not in index and "http://" not in index.replace("http://www.w3.org/2000/svg", "")
    assert "Progress by candidate" in index and "<svg" in index  # alice and bob have two sessions each
    assert "FAIL bad/empty.txt: file is empty" in result.stderr


def test_index_escapes_untrusted_names(tmp_path: Path, samples: Path):
    hostile = tmp_path / "in" / "<img src=x onerror=alert(1)>"
    shutil.copy(samples / "strong_candidate.txt", _dir(hostile) / "a.txt")
    shutil.copy(samples / "weak_candidate.vtt", hostile / "b.vtt")
    result = run(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "1", "--format", "json", "-q", *ONE_RULE)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("2 sessions: 2 ok")  # quiet: no bar, no per-session lines
    index = (tmp_path / "out" / "index.html").read_text()
    assert "<img" not in index and "&lt;img src=x onerror=alert(1)&gt;" in index
    assert 'href="%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/a.txt.json"' in index


def analyse_or_die(task):
    """Stands in for a native crash: the worker process exits while analysing ``crash.srt``."""
    if task.session.rel == "crash.srt":
        os._exit(1)
    return workers.analyse_task(task)


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_sessions_and_a_fresh_pool_does_the_rest(
        tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch):
    names = ["a", "b", "crash", *(f"later{i:02d}" for i in range(8))]
    for name in names:
        shutil.copy(samples / "technical_panel.srt", _dir(tmp_path / "in") / f"{name}.srt")
    monkeypatch.setattr(workers, "analyse_task", analyse_or_die)  # pickled by reference into the workers
    result = batch.run_batch([str(tmp_path / "in")], tmp_path / "out", load_config(select=["rambling"]),
                             formats=["json"], jobs=2)
    assert len(result.outcomes) == len(names)
    assert not result.outcomes["crash.srt"].ok
    for outcome in result.failed:  # the crashed session, and at most the others the pool held then
        assert outcome.error.endswith("the worker process died while analysing it "
                                      "(out of memory or a crash in a native library)")
    assert len(result.failed) <= 4
    assert all(result.outcomes[f"later{i:02d}.srt"].ok for i in range(6, 8))


# --------------------------------------------------------------------------- resuming


def run_in_process(root: Path, out: Path, config: Config | None = None, **options) -> batch.BatchResult:
    return batch.run_batch([str(root)], out, config or load_config(select=["rambling"]),
                           formats=FORMATS.split(","), jobs=1, **options)


def redone(result: batch.BatchResult) -> list[str]:
    return sorted(rel for rel, outcome in result.outcomes.items() if outcome.ok and not outcome.reused)


def test_rerun_skips_finished_sessions_and_redoes_changed_ones(tmp_path: Path, samples: Path):
    make_sessions(tmp_path / "in", samples, audio=False)
    shutil.rmtree(tmp_path / "in" / "bad")
    (tmp_path / "in" / "alice" / "2026-02-01_mock.vtt").unlink()
    out = tmp_path / "out"
    everything = ["alice/2026-01-05_mock.txt", "bob/practice.txt", "panel.srt"]
    assert redone(run_in_process(tmp_path / "in", out)) == everything
    first = reports(out)
    stamps = {p: (out / p).stat().st_mtime_ns for p in first}
    umask = os.umask(0)
    os.umask(umask)
    assert {(out / p).stat().st_mode & 0o777 for p in [*first, "summary.csv", "index.html"]} == {0o666 & ~umask}

    assert redone(run_in_process(tmp_path / "in", out)) == []
    assert {p: (out / p).stat().st_mtime_ns for p in first} == stamps

    (out / "panel.srt.md").write_text("edited by hand")  # a changed report is redone
    with (tmp_path / "in" / "bob" / "practice.questions.txt").open("a") as stream:
        stream.write("What did you learn?\n")  # so is a session whose sidecar changed
    assert redone(run_in_process(tmp_path / "in", out)) == ["bob/practice.txt", "panel.srt"]
    assert reports(out)["panel.srt.md"] == first["panel.srt.md"]
    assert (out / "alice" / "2026-01-05_mock.txt.json").stat().st_mtime_ns == stamps["alice/2026-01-05_mock.txt.json"]

    stricter = from_mapping({"select": ["rambling"], "severity": {"rambling": "error"}})
    assert redone(run_in_process(tmp_path / "in", out, stricter)) == everything
    assert redone(run_in_process(tmp_path / "in", out, stricter)) == []
    assert redone(run_in_process(tmp_path / "in", out, stricter, force=True)) == everything


def test_a_changed_build_redoes_finished_sessions(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch):
    # Code or models changed without a version bump (a newer checkout): old reports are stale.
    shutil.copy(samples / "strong_candidate.txt", _dir(tmp_path / "in") / "mock.txt")
    out = tmp_path / "out"
    assert redone(run_in_process(tmp_path / "in", out)) == ["mock.txt"]
    assert redone(run_in_process(tmp_path / "in", out)) == []
    monkeypatch.setattr(batch_manifests, "build_fingerprint", lambda: "another build")
    assert redone(run_in_process(tmp_path / "in", out)) == ["mock.txt"]


def _import_review(tmp_path: Path, report: Path, reviewer: str, answer_id: str) -> None:
    """A coach agrees with the flags of one answer and imports the review, as from the HTML page."""
    from analyzer.report.review import import_review

    data = json.loads(report.read_text())
    verdicts = [{"answer_id": a["id"], "code": f["code"], "flag_index": i, "verdict": "agree", "comment": reviewer}
                for a in data["answers"] if a["id"] == answer_id for i, f in enumerate(a["flags"])]
    review = _write(tmp_path / "reviews" / f"{reviewer}.json", json.dumps(
        {"review_version": 1, "report": {"input_sha256": data["input"]["sha256"]}, "reviewer": reviewer,
         "exported_at": "2026-11-26T02:00:00Z", "verdicts": verdicts}))
    assert import_review(review, report)["imported"] == len(verdicts) == 1


def test_a_coachs_review_is_never_dropped_by_a_rerun(tmp_path: Path, samples: Path):
    import jsonschema

    from analyzer.resources import schema_file

    session = shutil.copy(samples / "weak_candidate.vtt", _dir(tmp_path / "in") / "weak.vtt")
    out = tmp_path / "out"
    fillers = load_config(select=["filler-words"])  # flags fillers in q1 and q4
    assert redone(run_in_process(tmp_path / "in", out, fillers)) == ["weak.vtt"]
    report = out / "weak.vtt.json"
    _import_review(tmp_path, report, "Coach Lee", "q4")
    _import_review(tmp_path, report, "Coach Kim", "q1")
    reviewed = report.read_bytes()

    # an imported review does not make the report stale: nothing is redone or rewritten
    assert redone(run_in_process(tmp_path / "in", out, fillers)) == []
    assert report.read_bytes() == reviewed

    # a session that is redone keeps its verdicts where they still fit its flags
    forced = run_in_process(tmp_path / "in", out, fillers, force=True)
    assert redone(forced) == ["weak.vtt"] and forced.outcomes["weak.vtt"].review == {"kept": 2, "unmatched": 0}
    assert report.read_bytes() == reviewed  # same flags: the same reviewed report, both reviewers, Kim's summary
    assert redone(run_in_process(tmp_path / "in", out, fillers)) == []
    assert not list(out.glob("weak.vtt.reviewed-*"))

    # the transcript is edited and q1 loses its fillers: Kim's verdict has no flag left to sit beside
    text = Path(session).read_text()
    q1, rest = text.split("Why did you leave", 1)
    calm = re.sub(r"\b(um|uh|like|you know|so|yeah|kind of|honestly|I guess),?\s", "", q1, flags=re.IGNORECASE)
    Path(session).write_text(calm + "Why did you leave" + rest)
    rerun = run(str(tmp_path / "in"), "--out", str(out), "--format", FORMATS, "--select", "filler-words", "--jobs", "1")
    assert rerun.returncode == 0, rerun.stderr
    backups = list(out.glob("weak.vtt.reviewed-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == reviewed, "the previous reviewed report is kept"
    assert ("; coach review: 1 verdict kept, 1 no longer matches a flag; previous report saved as "
            f"{backups[0].name}") in rerun.stderr, rerun.stderr
    data = json.loads(report.read_text())
    jsonschema.validate(data, json.loads(schema_file().read_text()))
    assert [(a["id"], i, f["code"], f.get("review", {}).get("reviewer")) for a in data["answers"]
            for i, f in enumerate(a["flags"])] == [("q4", 0, "filler-words", "Coach Lee")]
    assert data["review"]["reviewer"] == "Coach Lee" and data["review"]["verdicts"] == 1
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def _kill_after_first_manifest(args: list[str], out: Path) -> list[str]:
    """Start the batch, SIGKILL its whole process group once one session is complete."""
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "batch", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while not manifests(out) and process.poll() is None:
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    return manifests(out)


@pytest.mark.slow
def test_killed_batch_reruns_to_a_complete_identical_result(tmp_path: Path, samples: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "in"
    expected = make_sessions(root, samples, audio=True)
    for i in range(4):  # more sessions, so the kill lands mid-way
        shutil.copy(samples / "strong_candidate.txt", _dir(root / "dave") / f"2026-04-{i + 1:02d}.txt")
        expected[f"dave/2026-04-{i + 1:02d}.txt"] = "ok"
    out = tmp_path / "out"
    args = [str(root), "--out", str(out), "--jobs", "2", "--format", FORMATS, *ONE_RULE]

    finished = _kill_after_first_manifest(args, out)
    assert not (out / "summary.json").exists()
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == [], "a temporary file survived: something was written in place"
    for path, data in reports(out).items():
        if path.endswith(".json"):
            json.loads(data)  # every report on disk is complete
    stamps = {p: (out / p).stat().st_mtime_ns for rel in finished for p in (f"{rel}.json", f"{rel}.md")}
    cache = tmp_path / "cache" / "transcripts"
    cached_before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")} if cache.exists() else {}

    rerun = run(*args)
    assert rerun.returncode == 3, rerun.stderr
    assert {p: (out / p).stat().st_mtime_ns for p in stamps} == stamps  # finished sessions were not redone
    for rel in finished:
        assert f"skip {rel} (unchanged" in rerun.stderr
    cached_after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert len(cached_after) == 1  # the recording was transcribed once over both runs
    assert {k: v for k, v in cached_after.items() if k in cached_before} == cached_before

    clean = tmp_path / "clean"
    assert len(run_in_process(root, clean).failed) == 4  # a clean, uninterrupted run of the same batch
    assert reports(out) == reports(clean)
    assert {r["session"]: r["status"] for r in json.loads((out / "summary.json").read_text())["rows"]} == expected
    for name in ("summary.json", "summary.csv", "errors.json", "index.html"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert manifests(out) == sorted(k for k, v in expected.items() if v == "ok")


@pytest.mark.slow
def test_forced_rerun_of_audio_reuses_the_cached_transcript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    shutil.copy(FIXTURES / "voice_lively.ogg", _dir(tmp_path / "in") / "take1.ogg")
    _write(tmp_path / "in" / "take1.questions.txt", "Why do you want this job?\n")
    out = tmp_path / "out"
    assert redone(run_in_process(tmp_path / "in", out)) == ["take1.ogg"]
    report = json.loads((out / "take1.ogg.json").read_text())
    assert report["answers"][0]["question"]["text"] == "Why do you want this job?"
    assert "excited" in report["answers"][0]["answer"]["text"].lower()
    entry = next((tmp_path / "cache" / "transcripts").glob("*.json"))
    stamp, before = entry.stat().st_mtime_ns, file_sha256(out / "take1.ogg.json")

    assert redone(run_in_process(tmp_path / "in", out, force=True)) == ["take1.ogg"]
    assert entry.stat().st_mtime_ns == stamp and len(list(entry.parent.glob("*.json"))) == 1  # a cache hit
    assert file_sha256(out / "take1.ogg.json") == before
    summary = json.loads((out / "summary.json").read_text())["rows"][0]
    assert summary["duration_s"] == pytest.approx(8.88, abs=0.05) and summary["words_per_minute"] > 60


# --------------------------------------------------------------------------- options shared with analyze


def invoke(*args: str):
    """``interview-analyzer batch`` in this process (models stay loaded between calls), as a user runs it."""
    from typer.testing import CliRunner

    from analyzer.cli import app

    return CliRunner().invoke(app, ["batch", *args])


RHETORICAL = """\
Pat: Tell me about a time you handled a conflict on your team.
Lee: Why did it happen? Who was to blame? What could I do? Those were my first questions when two engineers on my \
team disagreed about the release plan last spring. I met each of them, wrote down both plans, and we agreed on a \
staged rollout that shipped on time.
Pat: Describe a project you are proud of.
Lee: Have you ever rebuilt a reporting pipeline under pressure? Would you believe it took six weeks? I led that \
rebuild at my last company, moved the jobs to a scheduler, and cut the nightly run from five hours to forty minutes.
"""
"""Lee answers with rhetorical questions, so on its own the tool takes Lee for the interviewer."""


def test_fail_on_sets_the_exit_code_across_the_batch_and_never_invalidates(tmp_path: Path, samples: Path):
    shutil.copy(samples / "strong_candidate.txt", _dir(tmp_path / "in") / "strong.txt")  # no rambling flag
    shutil.copy(samples / "weak_candidate.vtt", tmp_path / "in" / "weak.vtt")  # one rambling warning
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "--out", str(out), "--jobs", "1", "--format", "json", *ONE_RULE]

    result = invoke(*args, "--fail-on", "warning")
    assert result.exit_code == 1, result.output
    assert sorted(reports(out)) == ["strong.txt.json", "weak.vtt.json"]  # every session is still written
    assert "2 sessions: 2 ok (0 unchanged), 0 failed, 1 with flags at or above warning" in result.stderr
    rows = {r["session"]: r for r in json.loads((out / "summary.json").read_text())["rows"]}
    assert (rows["weak.vtt"]["worst_severity"], rows["strong.txt"]["worst_severity"]) == ("warning", None)
    stamps = {p: (out / p).stat().st_mtime_ns for p in reports(out)}

    result = invoke(*args, "--fail-on", "error")  # another level: same reports, reused, and no finding
    assert result.exit_code == 0, result.output
    assert "2 ok (2 unchanged), 0 failed, 0 with flags at or above error" in result.stderr
    assert invoke(*args).exit_code == 0  # no --fail-on: only failures change the exit code
    config = _write(tmp_path / "strict.toml", 'select = ["rambling"]\nfail-on = "info"\n')
    result = invoke(str(tmp_path / "in"), "--out", str(out), "--jobs", "1", "--format", "json", "--config", str(config))
    assert result.exit_code == 1 and "(2 unchanged)" in result.stderr  # fail-on from the configuration file
    assert {p: (out / p).stat().st_mtime_ns for p in stamps} == stamps

    _write(tmp_path / "in" / "empty.txt", b"")
    result = invoke(*args, "--fail-on", "warning")
    assert result.exit_code == 3, result.output  # a failed session outranks findings
    assert "3 sessions: 2 ok (2 unchanged), 1 failed, 1 with flags at or above warning" in result.stderr
    assert invoke(*args, "--fail-on", "fatal").exit_code == 2


def test_batch_wide_roles_and_questions_apply_where_no_sidecar_says_otherwise(tmp_path: Path, samples: Path):
    roles, solo = _dir(tmp_path / "roles"), _dir(tmp_path / "solo")
    _write(roles / "plain.txt", RHETORICAL)
    _write(roles / "named.txt", RHETORICAL)
    _write(roles / "named.meta.toml", 'interviewer-speaker = "Lee"\n')  # names a speaker: replaces both options
    common = ["--jobs", "1", "--format", "json", *ONE_RULE]

    out = tmp_path / "roles-out"
    result = invoke(str(roles), "--out", str(out), "--candidate", "lee", *common)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "plain.txt.json").read_text())["speakers"] == {"Pat": "interviewer", "Lee": "candidate"}
    assert json.loads((out / "named.txt.json").read_text())["speakers"] == {"Pat": "candidate", "Lee": "interviewer"}
    result = invoke(str(roles), "--out", str(out), "--interviewer", "Pat", *common)
    assert "skip named.txt" in result.stderr and "ok   plain.txt" in result.stderr  # only the option's session reruns
    assert json.loads((out / "plain.txt.json").read_text())["speakers"] == {"Pat": "interviewer", "Lee": "candidate"}
    result = invoke(str(roles), "--out", str(out), "--candidate", "Nobody", *common)
    assert result.exit_code == 3 and "FAIL plain.txt: --candidate 'Nobody' is not a speaker" in result.stderr
    _write(roles / "named.meta.toml", 'interviewer-speaker = "Nobody"\n')  # the sidecar's name, not an option's
    result = invoke(str(roles / "named.txt"), "--out", str(out), *common)
    assert result.exit_code == 3 and "--interviewer" not in result.stderr, result.stderr
    assert f"FAIL named.txt: {roles / 'named.meta.toml'}: interviewer-speaker 'Nobody' is not a speaker" in result.stderr

    shutil.copy(samples / "self_practice.txt", solo / "practice.txt")
    shutil.copy(samples / "self_practice.txt", solo / "own.txt")
    _write(solo / "own.questions.txt", "Introduce yourself.\nName a weakness.\nYour five-year plan?\n")
    batch_questions = _write(solo / "questions.txt", "Tell me about yourself, briefly.\n"
                             "What is your greatest weakness, honestly?\nWhere do you see yourself in five years' time?\n")
    out = tmp_path / "solo-out"
    result = invoke(str(solo), "--out", str(out), "--questions", str(batch_questions), *common)
    assert result.exit_code == 0, result.output
    assert sorted(reports(out)) == ["own.txt.json", "practice.txt.json"]  # the questions file is not a session

    def asked(name: str) -> list[str]:
        return [a["question"]["text"] for a in json.loads((out / f"{name}.txt.json").read_text())["answers"]]

    assert asked("practice") == batch_questions.read_text().splitlines()
    assert asked("own") == (solo / "own.questions.txt").read_text().splitlines()  # the sidecar wins
    with batch_questions.open("a") as stream:
        stream.write("What did you learn?\n")
    result = invoke(str(solo), "--out", str(out), "--questions", str(batch_questions), *common)
    assert "skip own.txt" in result.stderr and "ok   practice.txt" in result.stderr
    result = invoke(str(solo), "--out", str(out), "--questions", str(tmp_path / "missing.txt"), *common)
    assert result.exit_code == 2 and "--questions file not found" in result.stderr


def test_speakers_is_part_of_the_resumption_key(tmp_path: Path, samples: Path):
    shutil.copy(samples / "strong_candidate.txt", _dir(tmp_path / "in") / "a.txt")
    out = tmp_path / "out"
    assert redone(run_in_process(tmp_path / "in", out)) == ["a.txt"]
    assert redone(run_in_process(tmp_path / "in", out, audio={"speakers": 2})) == ["a.txt"]
    assert redone(run_in_process(tmp_path / "in", out, audio={"speakers": 2, "quiet": True})) == []
    assert redone(run_in_process(tmp_path / "in", out, load_config(select=["rambling"], fail_on="info"),
                                 audio={"speakers": 2})) == []


@pytest.mark.slow
def test_speakers_option_reaches_diarization_of_recordings(tmp_path: Path):
    shutil.copy(FIXTURES / "diarization" / "two_voices_unseen.ogg", _dir(tmp_path / "in") / "interview.ogg")
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "--out", str(out), "--jobs", "1", "--format", "json", *ONE_RULE]
    assert invoke(*args).exit_code == 0
    assert json.loads((out / "interview.ogg.json").read_text())["speakers"] == {
        "Speaker 1": "interviewer", "Speaker 2": "candidate"}  # two voices found
    result = invoke(*args, "--speakers", "1")
    assert result.exit_code == 0 and "ok   interview.ogg" in result.stderr  # redone, not skipped
    assert json.loads((out / "interview.ogg.json").read_text())["speakers"] == {"Speaker 1": "candidate"}
    result = invoke(*args, "--speakers", "1", "--fail-on", "info")
    assert "skip interview.ogg" in result.stderr  # --fail-on does not invalidate the report...
    flagged = any(a["flags"] for a in json.loads((out / "interview.ogg.json").read_text())["answers"])
    assert result.exit_code == (1 if flagged else 0)  # ...and the reused report still decides the exit code


def test_an_out_that_is_a_file_stops_the_batch_with_one_line(tmp_path: Path, samples: Path):
    shutil.copy(samples / "strong_candidate.txt", _dir(tmp_path / "in") / "a.txt")
    a_file = _write(tmp_path / "taken", "not a folder")
    for out in (a_file, a_file / "sub"):
        result = invoke(str(tmp_path / "in"), "--out", str(out), "--jobs", "1", *ONE_RULE)
        assert result.exit_code == 2 and "is a file, or inside one, not a directory" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert a_file.read_text() == "not a folder"
