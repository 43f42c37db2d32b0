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

    for sub in ("analyzer.renderers", "analyzer.readers", "analyzer.checks", "analyzer.pipeline"):
        importlib.import_module(sub)
    assert callable(analyzer.render) and callable(analyzer.analyze) and callable(analyzer.transcribe)
