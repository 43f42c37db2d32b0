"""no-questions: invited to ask ("Do you have any questions for me?"), the candidate asks none.

A rule about the whole session. The interviewer's last invitation is found by
:func:`analyzer.text.questions.is_invitation_to_ask`; the candidate's turns after it are read for
question sentences (:func:`analyzer.text.questions.question_sentences`: a question mark,
interrogative syntax or an indirect question), so "No questions about the role, but how does the
team measure success?" is a question and "No, I think you covered everything" is none. The questions
asked are kept in ``metrics.candidate_questions.questions``: the report shows them as a strength.
A session without an invitation is outside the rule's scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from analyzer.checks.context import Findings, SessionContext
from analyzer.checks.rule import Example, Metric, Option, Rule, flag
from analyzer.datamodel import Span, Turn
from analyzer.text.questions import is_invitation_to_ask, question_sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc

_OPENING = "Interviewer: Why do you want to join our team?\nCandidate: I have used your maps app for years and I " \
           "want to work on the routing engine behind it.\n"

RULE = Rule(
    code="no-questions",
    name="No questions for the interviewer",
    summary="Invited to ask questions, the candidate asks none",
    what="Finds the interviewer's invitation to ask questions ('Do you have any questions for me?', 'What "
    "questions do you have for us?') and counts the question sentences in the candidate's turns after it "
    "(a question mark, interrogative syntax or 'I was wondering how...'). The session is flagged when they are "
    "fewer than min-questions; sessions without an invitation are not assessed.",
    why="Having no questions reads as little interest in the job or no preparation; one or two thoughtful "
    "questions about the work, the team or how success is measured show both, and end the interview on the "
    "candidate's curiosity.",
    examples=(
        Example("No, I think you covered everything.", "Do you have any questions for me?", flagged=True,
                transcript=_OPENING + "Interviewer: Do you have any questions for me?\n"
                "Candidate: No, I think you covered everything.\n"),
        Example("No questions about the role — but how does the team measure success?",
                "Do you have any questions for me?", flagged=False,
                transcript=_OPENING + "Interviewer: Do you have any questions for me?\n"
                "Candidate: No questions about the role — but how does the team measure success?\n"),
        Example("Not really.", "What questions do you have for us?", flagged=True,
                transcript=_OPENING + "Interviewer: Great, that's all from me. What questions do you have for us?\n"
                "Candidate: Not really.\n"),
        Example("(no invitation to ask)", "Why do you want to join our team?", flagged=False, transcript=_OPENING),
    ),
    severity="warning",
    scope="session",
    options=(Option("min-questions", 1, "Flag the session when the candidate asks fewer questions than this "
                    "after the invitation.", minimum=1),),
    namespace="candidate_questions",
    metrics=(
        Metric("invited", "1 when the interviewer invited the candidate's questions, else 0."),
        Metric("asked", "Question sentences in the candidate's turns after the invitation."),
        Metric("questions", "The candidate's questions, as said (a strength in the report)."),
    ),
)

SUGGESTION = (
    "Prepare two or three questions before every interview and ask at least one even when much was covered: "
    "about the work ('What would I focus on in the first three months?'), the team ('How does the team decide "
    "what to build next?') or success ('What does success look like in this role after six months?'). "
    "If your questions were answered, say so and ask a follow-up on something the interviewer said."
)


def _span(turns: list[Turn], text: str, note: str) -> Span:
    starts = [t.start for t in turns if t.start is not None]
    ends = [t.end for t in turns if t.end is not None]
    return Span(0, len(text), text, note=note, start_s=min(starts) if starts else None,
                end_s=max(ends) if ends else None)


def _parses(turns: list[Turn]) -> list["Doc"]:
    """Each turn's parse, in one ``nlp.pipe`` (every reply after an early invitation may be many turns)."""
    from analyzer.text.nlp import load_spacy

    return list(load_spacy().pipe(t.text for t in turns))


def check(session: SessionContext, opts: Mapping[str, Any]) -> Findings:
    turns = session.transcript.turns
    invitations = [i for i, t in enumerate(turns) if t.role == "interviewer" and is_invitation_to_ask(t.text)]
    if not invitations:
        return Findings(assessed=False)  # no invitation: nothing to measure
    invitation = turns[invitations[-1]]
    replies = [t for t in turns[invitations[-1] + 1:] if t.role == "candidate"]
    questions = [t.text[s:e] for t, doc in zip(replies, _parses(replies)) for s, e in question_sentences(t.text, doc)]
    found = Findings(metrics={"invited": 1, "asked": len(questions), "questions": questions})
    minimum = int(opts["min-questions"])
    if len(questions) >= minimum:
        return found
    said = " ".join(t.text for t in replies).strip()
    invited = _span([invitation], invitation.text, note="the invitation to ask")
    if said:
        message = f"Invited to ask questions, the candidate asked {len(questions) or 'none'}: \u201c{said}\u201d."
        evidence = [invited, _span(replies, said, note="the candidate's reply")]
    else:
        message = "Invited to ask questions, the candidate said nothing more."
        evidence = [invited]
    found.flags.append(flag(RULE, message, SUGGESTION, measure="asked", value=len(questions), threshold=minimum,
                            evidence=evidence))
    return found
