"""Strengths per answer and for the session, in the JSON, Markdown and HTML reports."""

from __future__ import annotations

import json

import jsonschema

from analyzer import analyze, render
from analyzer.config import Config
from analyzer.report.html.page import page_model
from analyzer.report.strengths import answer_strengths, figures
from analyzer.resources import schema_file

# The strong sample without the employer-negativity model's known false alarm on its praise (an xfail in
# tests/test_followup.py and models/negativity.md), which would take "concise" off q1: these tests are about strengths.
WITHOUT_NEGATIVITY = Config(ignore=["employer-negativity"]).validate()


def test_the_strong_sample_shows_what_went_well_in_every_format(samples):
    report = analyze(samples / "strong_candidate.txt", WITHOUT_NEGATIVITY)
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, json.loads(schema_file().read_text()))
    kinds = {a["id"]: [s["kind"] for s in a["strengths"]] for a in data["answers"]}
    assert kinds["q1"] == ["star", "concise", "numbers"]
    assert "enthusiasm" in kinds["q3"]
    assert "“30 percent”" in data["answers"][0]["strengths"][2]["detail"]
    assert [s["kind"] for s in data["strengths"]] == ["questions"]
    markdown = render(report, "md")
    assert "- **Complete STAR story** — Situation, task, action and result are all there" in markdown
    assert "**Strength: Asked the interviewer questions**" in markdown
    html = render(report, "html")
    assert html.count('class="strength" data-kind="star"') == 1 and "What went well in the session" in html


def test_flagged_answers_are_not_called_concise(samples):
    data = json.loads(render(analyze(samples / "weak_candidate.vtt"), "json"))
    assert not any(s["kind"] == "concise" for a in data["answers"] for s in a["strengths"]
                   if any(f["severity"] != "info" for f in a["flags"]))
    assert data["strengths"] == []


def test_an_old_report_without_strengths_gets_them_from_its_metrics(samples):
    data = json.loads(render(analyze(samples / "strong_candidate.txt", WITHOUT_NEGATIVITY), "json"))
    for answer in data["answers"]:
        del answer["strengths"]
    del data["strengths"]
    model = page_model(data)
    assert [s["kind"] for s in model["answers"][0]["strengths"]] == ["star", "concise", "numbers"]
    assert [s["kind"] for s in model["session_strengths"]] == ["questions"]


def test_figures_are_specific_and_unhedged():
    said = "We cut build time by 40% to nine minutes, served 12,000 users, maybe like five years or so."
    assert [f for _, _, f in figures(said)] == ["40%", "nine minutes", "12,000 users"]


def test_enthusiasm_needs_a_high_score_and_no_flag():
    answer = {"answer": {"text": "I love this."}, "metrics": {"enthusiasm": {"score": 80}}, "flags": [],
              "question_kind": "motivation"}
    assert [s["kind"] for s in answer_strengths(answer)] == ["enthusiasm"]
    answer["flags"] = [{"code": "low-enthusiasm", "severity": "warning"}]
    assert answer_strengths(answer) == []
