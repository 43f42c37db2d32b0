"""The command line: outputs, stdout mode, error paths and exit codes (run as a real process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from analyzer.resources import schema_file


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True, cwd=cwd)


def test_stdout_json_validates_against_schema(samples: Path):
    result = run("analyze", str(samples / "strong_candidate.txt"), "--format", "json", "--out", "-")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads(schema_file().read_text()))
    assert report["input"]["path"] == str(samples / "strong_candidate.txt")
    first = report["answers"][0]
    assert first["question"]["text"].endswith("had to deliver a project under a tight deadline.")
    assert first["answer"]["text"].startswith("Last spring I was the lead developer")
    assert first["answer"]["speaker"] == "Candidate"


def test_many_inputs_write_one_report_per_input_and_format(samples: Path, tmp_path: Path):
    result = run("analyze", str(samples / "strong_candidate.txt"), str(samples / "weak_candidate.vtt"),
                 "--format", "json,md", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "strong_candidate.json", "strong_candidate.md", "weak_candidate.json", "weak_candidate.md"]
    md = (tmp_path / "weak_candidate.md").read_text()
    assert "## q1." in md and "Why did you leave your last job?" in md


def test_a_glob_that_picks_up_sidecars_analyses_only_the_interviews(samples: Path, tmp_path: Path):
    # 'analyze sample_transcripts/*.txt' also names self_practice.questions.txt, a questions list
    result = run("analyze", str(samples / "self_practice.txt"), str(samples / "self_practice.questions.txt"),
                 "--format", "json", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["self_practice.json"]
    assert "skipped " + str(samples / "self_practice.questions.txt") + ": a sidecar file (*.questions.txt)" in result.stderr
    alone = run("analyze", str(samples / "self_practice.questions.txt"), "--out", str(tmp_path))
    assert alone.returncode == 3
    assert alone.stderr.count("\n") == 1 and "give a questions list with --questions" in alone.stderr


def test_one_bad_input_does_not_stop_the_others(samples: Path, tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    result = run("analyze", str(empty), str(samples / "strong_candidate.txt"), "--format", "json", "--out", str(out))
    assert result.returncode == 3
    assert (out / "strong_candidate.json").exists()
    assert "empty.txt: file is empty" in result.stderr


@pytest.mark.parametrize("make, code, message", [
    (lambda d: d / "missing.txt", 3, "no such file"),
    (lambda d: d, 3, "is a directory"),
    (lambda d: _write(d / "e.txt", b""), 3, "file is empty"),
    (lambda d: _write(d / "g.txt", b"\x00\xff\xfe garbage"), 3, "binary"),
    (lambda d: _write(d / "l.txt", "Q: Caf\xe9\n".encode("latin-1")), 3, "not UTF-8"),
    (lambda d: _write(d / "x.pdf", b"%PDF"), 3, "unsupported file type"),
    (lambda d: _write(d / "i.txt", b"Interviewer: Why?\nInterviewer: How?\n"), 3, "no candidate"),
])
def test_bad_input_is_one_line_with_exit_code(tmp_path: Path, make, code: int, message: str):
    result = run("analyze", str(make(tmp_path)), "--out", str(tmp_path / "out"))
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_usage_errors_exit_2(samples: Path, tmp_path: Path):
    sample = str(samples / "strong_candidate.txt")
    assert run("analyze", sample, "--select", "no-such-rule", "--out", "-", "-f", "json").returncode == 2
    assert run("analyze", sample, "--format", "pdf").returncode == 2
    both = run("analyze", sample, "--out", "-")
    assert both.returncode == 2 and "exactly one input and one --format" in both.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("select = [")
    result = run("analyze", sample, "--config", str(bad), "--out", "-", "-f", "json")
    assert result.returncode == 2 and "invalid TOML" in result.stderr


def test_a_format_given_twice_is_written_once(samples: Path, tmp_path: Path):
    result = run("analyze", str(samples / "strong_candidate.txt"), "-f", "md,MD,json", "--out", str(tmp_path))
    assert result.returncode == 0 and result.stderr.count("wrote") == 2, result.stderr


def test_an_out_that_cannot_be_a_folder_is_one_line_exit_2(samples: Path, tmp_path: Path):
    sample = str(samples / "strong_candidate.txt")
    a_file = _write(tmp_path / "taken", b"not a folder")
    for out, message in [(a_file, "is a file, not a directory"), (a_file / "sub", "a folder on its path is a file")]:
        result = run("analyze", sample, "-f", "json", "--out", str(out))
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert a_file.read_bytes() == b"not a folder"


def test_select_and_ignore(samples: Path):
    result = run("analyze", str(samples / "weak_candidate.vtt"), "--ignore", "rambling", "-f", "json", "--out", "-")
    report = json.loads(result.stdout)
    assert "rambling" not in report["settings"]["rules"]
    assert all(f["code"] != "rambling" for a in report["answers"] for f in a["flags"])


def test_fail_on_gives_exit_1_when_flags_reach_the_level(samples: Path, tmp_path: Path):
    long_answer = " ".join(["word"] * 400)
    path = tmp_path / "long.txt"
    path.write_text(f"Interviewer: What is your notice period?\nCandidate: {long_answer}\n")
    assert run("analyze", str(path), "--select", "rambling", "--fail-on", "warning", "-f", "json", "--out", "-").returncode == 1
    assert run("analyze", str(path), "--select", "rambling", "-f", "json", "--out", "-").returncode == 0


def test_questions_file_for_self_practice(samples: Path):
    result = run("analyze", str(samples / "self_practice.txt"), "--questions", str(samples / "self_practice.questions.txt"),
                 "-f", "json", "--out", "-")
    report = json.loads(result.stdout)
    assert [a["question"]["text"] for a in report["answers"]][0] == "Tell me about yourself."


def test_rules_lists_and_explains_codes():
    listing = run("rules")
    assert listing.returncode == 0 and "rambling" in listing.stdout
    one = run("rules", "rambling")
    assert "## Why is this bad?" in one.stdout and "max-words-behavioural" in one.stdout
    as_json = json.loads(run("rules", "rambling", "--format", "json").stdout)
    assert as_json["code"] == "rambling"
    assert run("rules", "nope").returncode == 2


def test_version_and_fast_help_without_heavy_imports():
    assert run("--version").stdout.strip().startswith("interview-analyzer ")
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from typer.testing import CliRunner; from analyzer.cli import app;"
         "CliRunner().invoke(app, ['--help']); CliRunner().invoke(app, ['analyze', '--help']);"
         "print(sorted(m for m in ('torch', 'spacy', 'faster_whisper', 'whisper', 'sklearn') if m in sys.modules))"],
        capture_output=True, text=True)
    assert probe.stdout.strip() == "[]", probe.stderr


def test_config_show_reads_pyproject_table(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.interview-analyzer]\nignore = ["rambling"]\n')
    result = run("config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["file"].endswith("pyproject.toml") and "rambling" not in shown["rules"]


def test_an_internal_error_on_one_input_is_one_line_and_the_others_are_written(samples: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    # No input reaches a failing path any more, so a check is made to fail on one answer (in process).
    from typer.testing import CliRunner

    from analyzer.checks import fillers
    from analyzer.cli import app

    real_check = fillers.check

    def failing_check(answer, ctx, opts):
        if "BROKEN" in answer.answer.text:
            raise RuntimeError("a check broke")
        return real_check(answer, ctx, opts)

    monkeypatch.setattr(fillers, "check", failing_check)
    broken = tmp_path / "broken.txt"
    broken.write_text("Interviewer: Why do you want this job?\nCandidate: BROKEN answer about the role.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(samples / "strong_candidate.txt"), str(broken), str(empty),
                                      str(samples / "weak_candidate.vtt"), "--format", "json,md", "--out", str(out)])
    assert result.exit_code == 5, result.output  # the internal error outranks the bad input (3)
    assert sorted(p.name for p in out.iterdir()) == [
        "strong_candidate.json", "strong_candidate.md", "weak_candidate.json", "weak_candidate.md"]
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [f"interview-analyzer: error: {broken}: internal error: RuntimeError: a check broke "
                      "(rerun with --debug for details)", errors[1]]
    assert str(empty) in errors[1] and "Traceback" not in result.stderr


def test_a_transcript_that_starts_mid_answer_is_analysed_with_a_note(tmp_path: Path):
    transcript = tmp_path / "late.txt"
    transcript.write_text(
        "Candidate: and then the client kept changing what the first release had to do, so I set up a call with "
        "her and we wrote it down together.\nInterviewer: Mm-hm.\n"
        "Candidate: That stopped the changes, and we shipped on time.\nInterviewer: Mm-hm.\n")
    out = tmp_path / "out"
    result = run("analyze", str(transcript), "--format", "json,md,html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "late.json").read_text())
    jsonschema.validate(report, json.loads(schema_file().read_text()))
    assert [a["question"] for a in report["answers"]] == [None]
    assert report["answers"][0]["answer"]["text"].endswith("we shipped on time.")
    assert report["notes"] and "q1: no question was recorded" in report["notes"][0]
    md = (out / "late.md").read_text()
    assert "## q1. (no question recorded)" in md and "> Note: q1: no question was recorded" in md
    html = (out / "late.html").read_text()
    assert "(no question recorded)" in html and "Note: q1: no question was recorded" in html
