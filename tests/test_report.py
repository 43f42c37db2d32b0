"""The Python API and the JSON/Markdown reports on the bundled samples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from analyzer import analyze, render
from analyzer.resources import schema_file

SCHEMA = json.loads(schema_file().read_text())
SAMPLE_FILES = ["strong_candidate.txt", "weak_candidate.vtt", "technical_panel.srt", "self_practice.txt"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_gives_a_valid_report(samples: Path, name: str):
    report = analyze(samples / name)
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, SCHEMA)
    assert data["answers"], name
    for answer in data["answers"]:
        text = answer["answer"]["text"]
        for ann in answer["annotations"]:
            assert text[ann["start"]:ann["end"]] == ann["text"]
        for flag in answer["flags"]:
            assert flag["message"] and flag["suggestion"]
            for ev in flag["evidence"]:
                assert 0 <= ev["start"] <= ev["end"] <= len(text)
    assert "# Interview analysis" in render(report, "md")


def test_panel_interview_pairs_and_follow_up(samples: Path):
    report = analyze(samples / "technical_panel.srt")
    assert report.speakers == {"Maria Lopez": "interviewer", "Tom Becker": "candidate"}
    assert [(a.id, a.follow_up_of, a.question_kind) for a in report.answers] == [
        ("q1", None, "factual"), ("q2", "q1", "factual"), ("q3", None, "behavioural")]
    assert report.answers[0].answer.start_s == 16.0 and report.answers[0].answer.end_s == 62.0
    assert [u.text for u in report.small_talk][:2] == ["Thanks for joining us. Shall we get started?", "Yes, absolutely."]


def test_text_string_input_and_summary():
    report = analyze("Interviewer: Why this role?\nCandidate: I love building tools for teachers.\n")
    assert report.input["path"] is None
    assert report.summary["answers"] == 1 and report.summary["candidate_words"] == 6


def test_markdown_says_how_much_evidence_it_leaves_out():
    report = analyze("Interviewer: Why this role?\nCandidate: " + "Um, I, uh, like the team, um, and, uh, the product. " * 4 + "\n")
    flag = next(f for f in report.answers[0].flags if f.code == "filler-words")
    assert len(flag.evidence) > 8
    assert f"  - … and {len(flag.evidence) - 8} more (all are in the JSON and HTML reports)" in render(report, "md")


def test_markdown_shows_what_the_interviewer_said_during_an_answer():
    report = analyze("Interviewer: Tell me about a time you led a team.\nCandidate: I led the migration.\n"
                     "Interviewer: Mm-hm.\nCandidate: We finished early.\nInterviewer: That sounds stressful.\n"
                     "Candidate: It was.\n")
    assert [u.text for u in report.answers[0].interjections] == ["Mm-hm.", "That sounds stressful."]
    assert "*Interviewer meanwhile: “Mm-hm.”, “That sounds stressful.”*" in render(report, "md")


def test_markdown_escapes_html(tmp_path: Path):
    report = analyze("Interviewer: Why?\nCandidate: <script>alert(1)</script> because.\n")
    assert "<script>" not in render(report, "md")


def test_public_api_names_survive_subpackage_imports():
    import importlib

    import analyzer

    for sub in ("analyzer.report", "analyzer.readers", "analyzer.checks", "analyzer.pipeline"):
        importlib.import_module(sub)
    assert callable(analyzer.render) and callable(analyzer.analyze) and callable(analyzer.transcribe)


def test_pass_rates_count_only_the_answers_each_check_assessed(samples: Path):
    """weak_candidate has one behavioural answer, and missing-star flags it: 0 of 1 passed, not 3 of 4."""
    report = analyze(samples / "weak_candidate.vtt")
    kinds = [a.question_kind for a in report.answers]
    checks = report.summary["checks"]
    star = checks["missing-star"]
    assert kinds.count("behavioural") == 1
    assert (star["answers_flagged"], star["answers_checked"], star["answers_out_of_scope"], star["pass_rate"]) == (
        1, 1, 3, 0.0)
    for code, c in checks.items():
        if c.get("scope") == "session":  # a verdict about the session (no-questions), not per answer
            continue
        assert c["answers_checked"] + c["answers_out_of_scope"] == len(report.answers), code
        assessed = [a for a in report.answers if code not in a.not_assessed]
        assert c["answers_flagged"] == sum(1 for a in assessed if any(f.code == code for f in a.flags)), code
    assert checks["low-enthusiasm"]["answers_out_of_scope"] == kinds.count("factual")  # scored, never flagged
    rates = [c["pass_rate"] for c in checks.values() if c["pass_rate"] is not None]
    assert report.summary["score"] == round(100 * sum(rates) / len(rates))
    jsonschema.validate(json.loads(render(report, "json")), SCHEMA)
    assert "| `missing-star` | 1 of 1 | 3 |" in render(report, "md")
    html = render(report, "html")
    row = html[html.index("<code>missing-star</code>"):]
    row = row[:row.index("</tr>")]
    assert "0 of 1 (0%)" in row and "3 answers out of its scope" in row


def test_a_check_with_no_answer_in_its_scope_has_no_pass_rate_and_no_score():
    from analyzer.config import Config

    text = "Interviewer: Why this role?\nCandidate: I love building tools for teachers and I want to do more of it.\n"
    report = analyze(text, config=Config(select=["missing-star"]))
    star = report.summary["checks"]["missing-star"]
    assert (star["answers_checked"], star["answers_out_of_scope"], star["pass_rate"]) == (0, 1, None)
    assert report.summary["score"] is None
    jsonschema.validate(json.loads(render(report, "json")), SCHEMA)
    assert "| `missing-star` | 0 of 0 | 1 |" in render(report, "md")
    assert "no answer in its scope" in render(report, "html")
    both = analyze(text, config=Config(select=["missing-star", "employer-negativity"]))
    assert both.summary["score"] == 100  # the mean over the one check that assessed an answer


def test_a_number_that_is_not_finite_is_written_as_null_so_the_report_stays_json():
    report = analyze("Interviewer: Why this role?\nCandidate: I like building tools that people use every day.\n")
    report.answers[0].metrics["fillers"] = {"per_minute": float("nan"), "ratio": [float("inf"), 1.0]}
    report.metrics["voice"] = {"pitch": float("-inf")}

    def refuse(name: str) -> float:
        raise AssertionError(f"{name} in the report")

    data = json.loads(render(report, "json"), parse_constant=refuse)
    assert data["answers"][0]["metrics"]["fillers"] == {"per_minute": None, "ratio": [None, 1.0]}
    assert data["metrics"]["voice"] == {"pitch": None}


def test_the_voices_timeline_reaches_the_report(tmp_path: Path):
    transcript = {"format": "interview-analyzer-transcript", "version": 1,
                  "turns": [{"speaker": "Speaker 1", "text": "Why this role?", "start": 0.0, "end": 1.5},
                            {"speaker": "Speaker 2", "text": "I love building tools for teachers.", "start": 2.0, "end": 4.0}],
                  "speech": [[0.0, 1.5, "Speaker 1"], [2.0, 4.0, "Speaker 2"], [4.3, 4.6, "Speaker 1"]]}
    path = tmp_path / "voices.json"
    path.write_text(json.dumps(transcript), encoding="utf-8")
    data = json.loads(render(analyze(path), "json"))
    jsonschema.validate(data, SCHEMA)
    assert data["timeline"]["speech"][-1] == {"speaker": "Speaker 1", "start_s": 4.3, "end_s": 4.6}
