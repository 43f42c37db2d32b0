"""Question/answer pairing and the role heuristic."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.pairing import is_backchannel, is_follow_up, pair
from analyzer.readers.text import parse_text
from analyzer.speakers.roles import assign_roles


def paired(text: str, **kw):
    t = parse_text(text)
    assign_roles(t, **{k: v for k, v in kw.items() if k in {"candidate", "interviewer"}})
    return pair(t, kw.get("questions"))


def test_consecutive_turns_merge_and_backchannels_do_not_split():
    answers, _ = paired(
        "Interviewer: Tell me about a time you led a team.\n"
        "Candidate: I led the migration.\n"
        "Interviewer: Mm-hm.\n"
        "Candidate: We finished early.\n"
        "Interviewer: Right, okay.\n"
        "Candidate: And saved money.\n"
    )
    assert len(answers) == 1
    assert answers[0].answer.text == "I led the migration. We finished early. And saved money."
    assert [u.text for u in answers[0].interjections] == ["Mm-hm.", "Right, okay."]


def test_short_remark_that_asks_nothing_does_not_split_the_answer():
    answers, small = paired(
        "Interviewer: Tell me about a time you led a team.\n"
        "Candidate: I led the migration.\n"
        "Interviewer: That sounds stressful.\n"
        "Candidate: It was, but we finished early.\n"
        "Interviewer: Why do you want this job?\n"
        "Candidate: I love the product.\n"
        "Interviewer: Thanks, that's all from me.\n"
        "Candidate: Thank you!\n"
    )
    assert [(a.question.text, a.answer.text) for a in answers] == [
        ("Tell me about a time you led a team.", "I led the migration. It was, but we finished early."),
        ("Why do you want this job?", "I love the product."),
    ]
    assert [u.text for u in answers[0].interjections] == ["That sounds stressful."]
    assert [u.text for u in small] == ["Thanks, that's all from me.", "Thank you!"]


@pytest.mark.parametrize("remark", [
    "Moving on to your skills.",  # opens a new topic
    "I see that you worked at a bank for three years before that.",  # longer than a remark
])
def test_new_topic_or_longer_statement_still_starts_an_answer(remark: str):
    answers, _ = paired(
        "Interviewer: Tell me about a time you led a team.\n"
        "Candidate: I led the migration.\n"
        f"Interviewer: {remark}\n"
        "Candidate: Yes, mostly Python.\n"
    )
    assert [a.question.text for a in answers] == ["Tell me about a time you led a team.", remark]


def test_remarks_before_the_first_question_stay_small_talk():
    answers, small = paired(
        "Interviewer: Hi, I'm Sam.\n"
        "Candidate: Hi Sam.\n"
        "Interviewer: I run the data team.\n"
        "Candidate: Nice.\n"
        "Interviewer: Why do you want this job?\n"
        "Candidate: I love the product.\n"
    )
    assert [a.answer.text for a in answers] == ["I love the product."]
    assert [u.text for u in small] == ["Hi, I'm Sam.", "Hi Sam.", "I run the data team.", "Nice."]


def test_follow_up_links_to_previous_answer():
    answers, _ = paired(
        "Interviewer: Describe a situation where you disagreed with your team.\n"
        "Candidate: We argued about the database.\n"
        "Interviewer: How did that end?\n"
        "Candidate: We tested both.\n"
        "Interviewer: What is your notice period?\n"
        "Candidate: Four weeks.\n"
    )
    assert [(a.id, a.follow_up_of) for a in answers] == [("q1", None), ("q2", "q1"), ("q3", None)]
    assert answers[0].question_kind == "behavioural"


def test_small_talk_before_first_question_is_kept_but_not_scored():
    answers, small = paired(
        "Interviewer: Good morning! How are you?\n"
        "Candidate: Great, thanks.\n"
        "Interviewer: Why do you want this job?\n"
        "Candidate: I love the product.\n"
        "Interviewer: Thanks, we'll be in touch.\n"
    )
    assert [a.answer.text for a in answers] == ["I love the product."]
    assert [u.text for u in small] == ["Good morning! How are you?", "Great, thanks.", "Thanks, we'll be in touch."]


def test_interviewer_turns_before_reply_join_into_one_question():
    answers, _ = paired("Interviewer: Great.\nInterviewer: Now, why this company?\nCandidate: Your mission.\n"
                        "Interviewer: Tell me about your last project.\nCandidate: A search engine.\n")
    assert answers[0].question.text == "Great. Now, why this company?"


@pytest.mark.parametrize("text, expected", [
    ("Mm-hm.", True), ("Right.", True), ("Okay, got it.", True), ("Yeah, yeah.", True),
    ("Right?", False), ("Okay, and then what happened after the launch?", False), ("Interesting, why?", False),
])
def test_backchannel(text: str, expected: bool):
    assert is_backchannel(text) is expected


@pytest.mark.parametrize("question, expected", [
    ("What would you do differently?", True),
    ("How did that go?", True),
    ("And how would you confirm the fix worked?", True),
    ("Why?", True),
    ("Why did you leave your last job?", False),
    ("How many years have you worked with SQL?", False),
    ("So, tell me about a time you failed.", False),
])
def test_follow_up_detection(question: str, expected: bool):
    assert is_follow_up(question) is expected


def test_roles_from_names_by_questions_asked():
    t = parse_text("Ann Lee: Hi. Why do you want to join us?\nBob Ray: I like the team.\n"
                   "Ann Lee: What was your biggest project?\nBob Ray: A billing system.\n")
    assert assign_roles(t) == {"Ann Lee": "interviewer", "Bob Ray": "candidate"}


def test_roles_when_candidate_speaks_first():
    t = parse_text("Bob Ray: Hi, thanks for having me.\nAnn Lee: Of course. What do you know about us?\n"
                   "Bob Ray: You build maps.\nAnn Lee: Why does that interest you?\nBob Ray: I love geography.\n")
    assert assign_roles(t)["Ann Lee"] == "interviewer"


def test_candidate_override_and_unknown_name():
    t = parse_text("Ann Lee: Why?\nBob Ray: Because.\nAnn Lee: How?\nBob Ray: Carefully.\n")
    assert assign_roles(t, candidate="ann lee") == {"Ann Lee": "candidate", "Bob Ray": "interviewer"}
    with pytest.raises(InputError, match="not a speaker"):
        assign_roles(t, candidate="Zed")
    with pytest.raises(InputError, match="--interviewer 'Zed' is not a speaker"):  # not ignored beside --candidate
        assign_roles(t, candidate="Ann Lee", interviewer="Zed")
    with pytest.raises(InputError, match="both name the speaker 'Ann Lee'"):
        assign_roles(t, candidate="Ann Lee", interviewer="ann lee")
    assert assign_roles(t, candidate="Bob Ray", interviewer="Ann Lee") == {"Ann Lee": "interviewer", "Bob Ray": "candidate"}


def test_role_labels_win_over_heuristics():
    t = parse_text("Coach: So what happened?\nMe: I froze. Why did I freeze? Nerves?\n")
    assert assign_roles(t) == {"Coach": "interviewer", "Me": "candidate"}


def test_self_practice_with_questions_read_aloud(samples: Path):
    t = parse_text((samples / "self_practice.txt").read_text())
    assign_roles(t)
    answers, _ = pair(t, (samples / "self_practice.questions.txt").read_text().splitlines())
    assert [a.question.text for a in answers] == ["Tell me about yourself.", "What is your greatest weakness?",
                                                  "Where do you see yourself in five years?"]
    assert answers[1].answer.text.startswith("I used to say yes")


def test_self_practice_questions_not_read_aloud_pair_by_paragraph():
    answers, _ = paired("I am a designer.\n\nI get impatient.\n", questions=["Who are you?", "Weakness?"])
    assert [(a.question.text, a.answer.text) for a in answers] == [("Who are you?", "I am a designer."),
                                                                   ("Weakness?", "I get impatient.")]


def test_self_practice_detects_questions_without_a_list():
    answers, _ = paired("Why do I want this job? Because I love data.\n\nWhat is my weakness? Impatience.\n")
    assert [(a.question.text, a.answer.text) for a in answers] == [
        ("Why do I want this job?", "Because I love data."), ("What is my weakness?", "Impatience.")]


def test_self_practice_without_any_question_is_one_answer():
    answers, _ = paired("I led the launch and it went well.\n")
    assert len(answers) == 1 and answers[0].question.text == "" and answers[0].answer.text.startswith("I led")


MID_ANSWER = ("and so the whole team was stuck, because the vendor kept changing the file format every week and "
              "nobody owned the import.")


def test_a_recording_that_starts_mid_answer_opens_with_an_answer_to_an_unknown_question():
    answers, small = paired(
        f"Candidate: {MID_ANSWER}\n"
        "Interviewer: Mm-hm.\n"
        "Candidate: So I wrote a checker that rejected bad files, and the imports stopped failing.\n"
        "Interviewer: Why do you want this job?\n"
        "Candidate: I love the product.\n"
    )
    assert [(a.id, a.question.text, a.question_known) for a in answers] == [
        ("q1", "", False), ("q2", "Why do you want this job?", True)]
    assert answers[0].answer.text.startswith(MID_ANSWER) and answers[0].answer.text.endswith("stopped failing.")
    assert [u.text for u in answers[0].interjections] == ["Mm-hm."] and small == []


def test_an_interviewer_who_only_says_mm_hm_still_gets_the_answer_analysed():
    answers, small = paired(f"Interviewer: Mm-hm.\nCandidate: {MID_ANSWER}\nInterviewer: Mm-hm.\n"
                            "Candidate: Then I fixed it.\nInterviewer: Mm-hm.\n")
    assert [(a.question_known, a.answer.text) for a in answers] == [(False, f"{MID_ANSWER} Then I fixed it.")]
    assert [u.text for u in small] == ["Mm-hm."]  # the closing one, after the answer


@pytest.mark.parametrize("opening", [
    "Candidate: Hi, nice to meet you.\nInterviewer: Hi! How are you?\nCandidate: Great, thanks.\n",  # a greeting
    "Interviewer: Thanks for coming in today.\nCandidate: " + MID_ANSWER + "\n",  # the interviewer spoke first
])
def test_greetings_and_replies_to_the_interviewer_stay_small_talk(opening: str):
    answers, small = paired(opening + "Interviewer: Why do you want this job?\nCandidate: I love the product.\n")
    assert [(a.question.text, a.answer.text) for a in answers] == [("Why do you want this job?", "I love the product.")]
    assert small
