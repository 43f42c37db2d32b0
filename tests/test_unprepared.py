"""unprepared on the real spaCy model: admissions about the company, the role and one's own CV."""

from __future__ import annotations

import pytest

from analyzer.checks import unprepared as check_module
from analyzer.checks.context import AnswerContext, Findings
from analyzer.datamodel import Answer, Transcript, Utterance


def run(answer_text: str, question: str = "What do you know about us?", **options: object) -> Findings:
    answer = Answer(id="a1", question=Utterance(text=question, speaker="Interviewer"),
                    answer=Utterance(text=answer_text, speaker="Candidate"))
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]))
    return check_module.check(answer, ctx, {**check_module.RULE.defaults(), **options})


@pytest.mark.parametrize("text, topic, directness", [
    ("I don't know what the company does, to be fair.", "company", 3),
    ("We never spoke about it, and I have no idea what your product is.", "company", 3),
    ("I didn't get round to reading the job description.", "role", 3),
    ("Which position is this for again?", "role", 3),
    ("I'm not too familiar with your clients, I must admit.", "company", 2),
    ("I can't remember what's on my resume, it has been a while.", "cv", 2),
    ("I would need to look at my résumé to answer that.", "cv", 2),
    ("I just skimmed the website on the train this morning.", "company", 1),
])
def test_admissions_are_found_with_topic_and_directness(text: str, topic: str, directness: int):
    found = run(text)
    assert found.metrics["directness"] == directness, found
    assert found.flags and found.flags[0].detail["admissions"][0]["topic"] == topic
    assert found.flags[0].severity == {1: "info", 2: "warning", 3: "error"}[directness]
    assert found.flags[0].measure == "directness" and found.flags[0].threshold == 1.0
    assert [a.kind for a in found.annotations] == ["unprepared"]


@pytest.mark.parametrize("text", [
    "I don't know the exact latency figures, but the cache cut them roughly in half.",
    "My manager didn't know what the client wanted, so I wrote up three options for her.",
    "I wasn't sure the company would survive the merger, so I learned to ship small.",
    "I looked at your careers page and your last two product launches before applying.",
    "I don't remember the vendor's name, but the contract was for two years.",
    "I checked the logs, not my CV, and found the race condition.",
])
def test_hard_negatives_are_not_flagged(text: str):
    found = run(text)
    assert not found.flags and found.metrics == {"admissions": 0, "directness": 0}, found


def test_suggestion_names_what_to_research():
    found = run("I haven't looked at your website and I'd have to check my CV for the dates.")
    suggestion = found.flags[0].suggestion
    assert "what it sells" in suggestion and "dates, job titles" in suggestion
    assert found.metrics["admissions"] == 2 and len(found.flags[0].evidence) == 2


def test_min_directness_leaves_a_skim_unflagged_but_counted():
    found = run("I only had a quick glance at the website.", **{"min-directness": 2})
    assert not found.flags and found.metrics == {"admissions": 1, "directness": 1}
