"""Question kinds: what kind of answer a question calls for (analyzer.text.questions.classify_question)."""

from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.text.questions import classify_question

SELF_ASSESSMENT = [
    "What is your greatest weakness?",
    "So, what's your greatest weakness?",
    "What would you say is your biggest weakness?",
    "What are your strengths and weaknesses?",
    "What do you consider to be your biggest strength?",
    "Tell me about your greatest weakness.",
    "What is your biggest flaw?",
    "What are your areas for improvement?",
    "Do you have any weaknesses?",
    "Would you say you have any weaknesses?",
    "What weaknesses do you have?",
    "Which strengths would you bring to the team?",
    "What would your last manager say you could improve?",
    "What did your last manager tell you to improve?",
    "What would your manager say is your biggest weakness?",
    "What would your coworkers say about you?",
    "If I called your previous boss, what would they say about you?",
    "How would your colleagues describe you?",
    "How would you describe yourself in three words?",
    "What is one area you'd like to improve?",
    "What's one thing you could get better at?",
    "Where do you think you need to improve?",
    "What feedback have you received from your manager?",
    "What are you good at?",
]

STAYS_FACTUAL = [
    "How many years have you worked with Python?",
    "Which database did you use?",
    "How long is your notice period at the moment?",
    "What is your current role?",
    "Is Python your strongest language?",
    "What are the strengths of PostgreSQL over MySQL?",
    "What's the biggest weakness of this design?",
    "What did the client say about the delay?",
    "What did your manager say?",
    "How would you describe the architecture?",
]


@pytest.mark.parametrize("question", SELF_ASSESSMENT)
def test_strength_weakness_and_feedback_questions_are_self_assessment(question: str) -> None:
    assert classify_question(question).value == "self-assessment"


@pytest.mark.parametrize("question", STAYS_FACTUAL)
def test_questions_about_facts_and_things_stay_factual(question: str) -> None:
    assert classify_question(question).value == "factual"


@pytest.mark.parametrize("question, kind", [
    ("Tell me about a time you received critical feedback.", "behavioural"),
    ("Tell me about your biggest mistake.", "behavioural"),
    ("What would make you the right hire for us?", "motivation"),
    ("Tell me about yourself.", "motivation"),
    ("How do you feel about this position?", "motivation"),  # issue #24: "... this opportunity?" was factual
    ("What do you make of the role now that you've heard about it?", "motivation"),
    ("What would you improve about our product?", "other"),  # an opinion about a product (labelling guide)
    ("What would you do differently?", "other"),  # hypothetical
    ("If you were a kitchen appliance, which one would you be?", "other"),
])
def test_other_kinds_keep_their_place(question: str, kind: str) -> None:
    assert classify_question(question).value == kind


WEAKNESS = (
    "My greatest weakness has been saying yes to every request. Early in my current job I wanted to be "
    "helpful to everyone, so I took on small tasks from three different teams on top of my own projects. "
    "For a while it looked fine, but in my second year two of my own deliverables slipped by a couple of "
    "weeks, and my manager pointed out that I was busy without being effective. Since then I have changed "
    "how I work. I block two mornings a week for deep work on my main project, and every Monday I agree "
    "the week's priorities with my manager, so when a new request comes in I can say when I could take it "
    "on instead of just saying yes. I also keep a simple list of what I have promised to whom, which makes "
    "the trade-offs visible. It is still something I watch, because I enjoy helping people, but in the "
    "last four quarters I have delivered every project on time, and the teams I help get clearer answers "
    "from me about when their work will be done."
)


@pytest.mark.parametrize("question", [
    "What is your greatest weakness?",  # was factual: 150 words
    "Would you say you have any weaknesses?",  # was a closed factual question: 80 words
    "What would your last manager say you could improve?",
])
def test_a_full_answer_to_a_self_assessment_question_gets_the_normal_length_limit(question: str) -> None:
    from analyzer.config import Config

    report = analyze(f"Interviewer: {question}\nCandidate: {WEAKNESS}\n")
    [answer] = report.answers
    assert answer.question_kind == "self-assessment" and answer.metrics["rambling"]["words"] == 184
    assert not [f for f in answer.flags if f.code == "rambling" and f.measure in ("words", "duration_s")]
    strict = Config(select=["rambling"], options={"rambling": {"max-words-self-assessment": 150}})
    [answer] = analyze(f"Interviewer: {question}\nCandidate: {WEAKNESS}\n", config=strict).answers
    [length] = [f for f in answer.flags if f.measure == "words"]
    assert length.threshold == 150 and "self-assessment question" in length.message
