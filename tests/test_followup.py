"""The follow-up note on the bundled samples: the strongest point, the gaffe addressed, nothing unsupported."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from analyzer import analyze, render
from analyzer.report.followup import followup_note, resolve


def _report(path) -> dict:
    return json.loads(render(analyze(path), "json"))


@pytest.fixture(scope="module")
def strong() -> dict:
    from conftest import SAMPLES

    return _report(SAMPLES / "strong_candidate.txt")


@pytest.fixture(scope="module")
def weak() -> dict:
    from conftest import SAMPLES

    return _report(SAMPLES / "weak_candidate.vtt")


def assert_supported(report: dict) -> None:
    """Every sentence names a part of the report that exists, and every quotation in it is said there."""
    said = json.dumps(report, ensure_ascii=False)
    for sentence in followup_note(report).sentences:
        if sentence.source.startswith("template:"):
            assert not re.search(r"\d|\u201c", sentence.text), sentence  # a courtesy states no fact
            continue
        assert resolve(report, sentence.source) is not None, sentence
        for quoted in re.findall(r"\u201c(.+?)\u201d", sentence.text):
            assert quoted[1:] in said, (quoted, sentence)


def test_the_strong_sample_restates_its_strongest_point(strong: dict):
    note = followup_note(strong)
    text = note.text()
    assert text.startswith("Subject: Thank you for the interview\n\nDear [interviewer's name],")
    assert "checkout errors fell by 30 percent" in text  # the STAR story's result, q1
    assert "What does success look like in the first six months for this role?" in text  # the question asked
    assert "come back" not in text
    assert_supported(strong)


@pytest.mark.xfail(reason="known false alarm of the employer-negativity model on this sample's praise "
                   "('... paired with our QA engineer every afternoon so bugs were caught the same day'; "
                   "models/negativity.md)", strict=False)
def test_the_strong_sample_has_no_gaffe_to_address(strong: dict):
    assert "negatively" not in followup_note(strong).text()


def test_the_weak_sample_addresses_the_badmouthing_briefly(weak: dict):
    note = followup_note(weak)
    text = note.text()
    assert text.count("previous employer more negatively than I intended") == 1
    assert "Dear Dana," in text and text.rstrip().endswith("Sam")
    source = next(s.source for s in note.sentences if "negatively" in s.text)
    assert resolve(weak, source)["code"] == "employer-negativity"
    assert_supported(weak)


def test_an_unanswered_question_is_offered_a_considered_answer():
    report = json.loads(render(analyze(
        "Interviewer: Tell me about a project you are proud of.\n"
        "Candidate: I rebuilt the invoice export so it runs in 2 minutes instead of 40, for 300 customers.\n"
        "Interviewer: How does a hash map handle collisions?\n"
        "Candidate: I'm not sure, sorry.\n"), "json"))
    note = followup_note(report)
    text = note.text()
    assert "come back to your question \u201cHow does a hash map handle collisions?\u201d" in text
    assert "2 minutes instead of 40" in text
    assert_supported(report)


def test_the_note_is_deterministic_and_in_the_html_report(samples):
    report = analyze(samples / "weak_candidate.vtt")
    data = json.loads(render(report, "json"))
    assert followup_note(data).text() == followup_note(data).text()
    html = render(report, "html")
    assert 'id="followup"' in html and "more negatively than I intended" in html
    assert 'data-source="answers[0].flags[' in html


def test_followup_command_prints_the_note(tmp_path, samples):
    path = tmp_path / "strong.json"
    path.write_text(render(analyze(samples / "strong_candidate.txt"), "json"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "analyzer", "followup", str(path), "--sources"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Subject: ") and "[template:thanks]" in run.stdout
    assert "[answers[0].answer.text]" in run.stdout
