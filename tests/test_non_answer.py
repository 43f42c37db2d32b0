"""non-answer on real spaCy and the bundled sentence encoder: bare admissions, no reasoning, deflection, off subject."""

from __future__ import annotations

import pytest

from analyzer.checks import non_answer as check_module
from analyzer.checks.context import AnswerContext, Findings
from analyzer.datamodel import Answer, Transcript, Utterance
from analyzer.text.questions import classify_question


def run(answer_text: str, question: str, **options: object) -> Findings:
    answer = Answer(id="a1", question=Utterance(text=question, speaker="Interviewer"),
                    answer=Utterance(text=answer_text, speaker="Candidate"),
                    question_kind=classify_question(question).value)
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]))
    return check_module.check(answer, ctx, {**check_module.RULE.defaults(), **options})


@pytest.mark.parametrize("text, question, kind", [
    ("No idea, sorry.", "Why did you pick that university?", "bare"),
    ("Um, I really don't know. That's a tough one.", "Where do you see yourself in five years?", "bare"),
    ("I'm not sure.", "What is the difference between a process and a thread?", "no-reasoning"),
    ("I don't know, I never used it, sorry about that.", "How does a hash map handle collisions?", "no-reasoning"),
    ("Can we come back to that one later? I'd like to tell you about my hackathon win first.",
     "What went wrong in your last performance review?", "deflection"),
])
def test_non_answers_are_flagged_by_kind(text: str, question: str, kind: str):
    found = run(text, question)
    assert found.metrics["kind"] == kind, found.metrics
    assert found.flags[0].detail == {"kind": kind} and found.flags[0].suggestion == check_module.ADVICE[kind]
    assert found.flags[0].evidence and [a.kind for a in found.annotations][:1] == ["non-answer"]


@pytest.mark.parametrize("text, question", [
    ("I don't know the exact number, but I would guess around two hundred tickets a month, judging by our board.",
     "How many support tickets did your team handle?"),
    ("I haven't used Rust myself, but I would expect the borrow checker to catch that at compile time, "
     "because two mutable references cannot coexist.", "How would Rust handle that data race?"),
    ("I'm not sure I follow: do you mean the mobile app or the admin site?", "How did you test the app?"),
    ("Four weeks, and I could start on a Monday.", "What is your notice period?"),
])
def test_hard_negatives_are_answers(text: str, question: str):
    found = run(text, question)
    assert not found.flags, found.metrics


def test_off_subject_uses_the_drift_measure_of_rambling():
    answer = ("My favourite part of any week is the Friday demo, where everyone shows what they built and "
              "we order pizza for the whole floor.")
    found = run(answer, "Why do you want to work in payments?")
    assert found.metrics["kind"] == "off-subject" and found.flags[0].measure == "question_similarity"
    assert found.flags[0].value < found.flags[0].threshold
    assert not run(answer, "Why do you want to work in payments?", **{"min-question-similarity": -1.0}).flags


def test_options_move_the_bar_for_a_bare_admission():
    assert run("I don't know, honestly.", "Why did you leave?").flags
    assert not run("I don't know, honestly.", "Why did you leave?", **{"min-words-after": 0}).flags
    assert not run("I don't know, it was a long time ago and the team changed.", "Why did you leave?").flags
