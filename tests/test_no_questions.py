"""no-questions, a session rule, on real spaCy: the invitation, the candidate's questions or none."""

from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.config import Config
from analyzer.text.questions import is_invitation_to_ask, is_small_talk, question_sentences

OPENING = ("Interviewer: Tell me about a project you are proud of.\n"
           "Candidate: I rebuilt our invoice export so that it runs in two minutes instead of forty.\n")


def session(invitation: str, reply: str, *more: str):
    text = OPENING + f"Interviewer: {invitation}\nCandidate: {reply}\n" + "".join(more)
    return analyze(text, config=Config(select=["no-questions"]))


@pytest.mark.parametrize("invitation", [
    "Okay, do you have any questions for us?", "What questions do you have for me?",
    "We have a few minutes left. Is there anything you'd like to ask?", "Any questions for me before we finish?",
    "Do you have any questions about the role?",
])
def test_invitations_are_recognised_and_are_small_talk(invitation: str):
    assert is_invitation_to_ask(invitation) and is_small_talk(invitation)


@pytest.mark.parametrize("text", ["Do you have any questions about the outage you mentioned?",
                                  "Did your manager ask you any questions?", "What did you learn?"])
def test_other_questions_are_no_invitation(text: str):
    assert not is_invitation_to_ask(text)


@pytest.mark.parametrize("reply", ["Not really, you've been very thorough.", "No, I'm all set, thank you.",
                                   "I had one about the team size, but you answered it already.",
                                   "No, you covered it all, right?"])
def test_no_question_after_the_invitation_is_flagged(reply: str):
    report = session("Do you have any questions for me?", reply)
    assert [f.code for f in report.flags] == ["no-questions"]
    flag = report.flags[0]
    assert flag.value == 0 and flag.threshold == 1.0 and reply in flag.message
    assert [e.note for e in flag.evidence] == ["the invitation to ask", "the candidate's reply"]
    assert report.metrics["candidate_questions"] == {"invited": 1, "asked": 0, "questions": []}
    assert report.summary["checks"]["no-questions"]["pass_rate"] == 0.0


def test_a_question_after_a_refusal_counts():
    report = session("Do you have any questions for me?",
                     "No questions about the role — but how does the team measure success?")
    assert not report.flags
    assert report.metrics["candidate_questions"]["questions"] == [
        "No questions about the role — but how does the team measure success?"]


def test_questions_over_several_turns_and_indirect_ones_are_counted():
    report = session("Anything you'd like to ask us?", "Yes. Who would I be working with day to day?",
                     "Interviewer: Mostly the two platform engineers and our designer.\n",
                     "Candidate: Great. I was wondering how on-call is shared across the team.\n")
    assert report.metrics["candidate_questions"]["asked"] == 2 and not report.flags


def test_min_questions_is_configurable():
    text = OPENING + "Interviewer: Do you have any questions for me?\nCandidate: What are the next steps?\n"
    config = Config(select=["no-questions"], options={"no-questions": {"min-questions": 2}})
    report = analyze(text, config=config)
    assert [f.code for f in report.flags] == ["no-questions"] and report.flags[0].value == 1


def test_a_session_without_an_invitation_is_not_assessed():
    report = analyze(OPENING, config=Config(select=["no-questions"]))
    assert not report.flags and report.summary["checks"]["no-questions"]["pass_rate"] is None


def test_the_strong_sample_asks_a_question(samples):
    report = analyze(samples / "strong_candidate.txt", config=Config(select=["no-questions"]))
    assert report.metrics["candidate_questions"]["asked"] == 1 and not report.flags


def test_tag_questions_and_statements_are_no_questions():
    assert question_sentences("No, you covered it, right?") == []
    assert question_sentences("I was going to ask about travel, but you covered it.") == []
