"""A follow-up note: a short thank-you email draft built from a session's report, as the article advises
after an interview: thank the interviewer, restate interest with the strongest point of the session, and
address a gaffe (a badmouthing remark, an unanswered question) briefly and professionally.

Template-based and deterministic: every sentence is a fixed courtesy (``source`` ``template:...``) or is
built from one place in the report (``source`` a path such as ``answers[0].answer.text`` or
``answers[2].flags[0]``), so a reader can check that the note says nothing the session does not support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from analyzer.report.migrate import upgrade
from analyzer.report.strengths import answer_strengths, figures, session_strengths
from analyzer.text.questions import is_question

TEMPLATE = Path(__file__).resolve().parent / "html" / "templates" / "followup.txt.j2"
_GENERIC_NAME = re.compile(r"^(interviewer|candidate|speaker[ _-]?\w*|spk\w*|unknown|me|you|[a-z]?\d+)$", re.I)
_STRENGTH_RANK = {"star": 0, "numbers": 1, "enthusiasm": 2, "concise": 3}


@dataclass(frozen=True)
class Sentence:
    text: str
    source: str
    """Where in the report the sentence comes from (``template:<part>`` for a fixed courtesy)."""


@dataclass
class FollowUp:
    """The note: greeting, paragraphs of sentences, sign-off."""

    greeting: str
    paragraphs: list[list[Sentence]] = field(default_factory=list)
    sign_off: str = "Best regards,"
    signature: str = "[Your name]"
    subject: str = "Thank you for the interview"

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p]

    def text(self, *, sources: bool = False) -> str:
        """The email as plain text (rendered by the ``followup.txt.j2`` template)."""
        import jinja2

        env = jinja2.Environment(autoescape=False, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
        return env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(note=self, sources=sources)


def _person(name: str | None) -> str | None:
    """A first name from a speaker label that looks like a person's name ("Dana Whitfield" -> "Dana")."""
    if not name or _GENERIC_NAME.match(name.strip()):
        return None
    first = name.strip().split()[0]
    return first if first[:1].isupper() and first.isalpha() else None


def _speaker(report: Mapping[str, Any], role: str) -> str | None:
    return next((name for name, r in (report.get("speakers") or {}).items() if r == role), None)


def _sentence_with(text: str, start: int) -> str:
    """The sentence of ``text`` that holds character ``start``."""
    begin = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    begin = 0 if begin < 0 else begin + 2
    ends = [i for i in (text.find(". ", start), text.find("? ", start), text.find("! ", start)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[begin:end].strip()


def _question(answer: Mapping[str, Any]) -> str:
    """The question as asked, without the lead-in ("Great. Let's get started.") or its final full stop."""
    return _quotable(" ".join(((answer.get("question") or {}).get("text") or "").split()), question=True)


_LEAD = re.compile(r"^(?:(?:yes|no|sure|well|so|okay|ok|great|right|and)\b[,.!]?\s+)+", re.I)


def _quotable(text: str, *, question: bool = False) -> str:
    """A quotation to fit in a sentence: from the first sentence that asks (for a question), no discourse
    word in front ("Yes, what does..." -> "What does..."), no final full stop."""
    if question:
        sentences = re.split(r"(?<=[.!?])\s+", text)
        asking = [k for k, s in enumerate(sentences) if is_question(s)]
        text = " ".join(sentences[asking[0]:]) if asking else text
    text = _LEAD.sub("", text).strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _strongest(report: Mapping[str, Any]) -> tuple[int, list[dict[str, Any]]] | None:
    """The answer with the most (and best) strengths, and its strengths."""
    best: tuple[tuple[int, int], int, list[dict[str, Any]]] | None = None
    for i, answer in enumerate(report.get("answers") or []):
        strengths = answer["strengths"] if "strengths" in answer else answer_strengths(answer)
        if not strengths:
            continue
        key = (-len(strengths), min(_STRENGTH_RANK.get(s["kind"], 9) for s in strengths))
        if best is None or key < best[0]:
            best = (key, i, strengths)
    return (best[1], best[2]) if best else None


def _strongest_point(report: Mapping[str, Any]) -> list[Sentence]:
    found = _strongest(report)
    if found is None:
        return [Sentence("I remain very interested in the role and in what your team is working on.",
                         "template:interest")]
    i, strengths = found
    answer = report["answers"][i]
    text = answer["answer"]["text"]
    kinds = [s["kind"] for s in strengths]
    question = _question(answer)
    asked = f" when you asked \u201c{question}\u201d" if question else ""
    figure = figures(text)
    if figure:
        said = _quotable(_sentence_with(text, figure[-1][0]))  # a story's figures end in its result
        return [Sentence("I remain very interested in the role.", "template:interest"),
                Sentence(f"I especially enjoyed the part of our conversation{asked}, where I described how "
                         f"\u201c{said}\u201d; I would bring the same focus on measurable results to your team.",
                         f"answers[{i}].answer.text")]
    reason = {"star": "walking you through a complete example from start to finish",
              "enthusiasm": "explaining what draws me to this work",
              "concise": "our discussion"}[kinds[0] if kinds[0] in ("star", "enthusiasm") else "concise"]
    return [Sentence("I remain very interested in the role.", "template:interest"),
            Sentence(f"I especially enjoyed {reason}{asked}.",
                     f"answers[{i}].strengths" if "strengths" in answer else f"answers[{i}].metrics")]


def _gaffes(report: Mapping[str, Any]) -> list[Sentence]:
    out: list[Sentence] = []
    addressed: set[str] = set()
    for i, answer in enumerate(report.get("answers") or []):
        question = _question(answer)
        about = f" when you asked \u201c{question}\u201d" if question else ""
        for j, flag in enumerate(answer.get("flags") or []):
            where = f"answers[{i}].flags[{j}]"
            if flag["code"] in addressed:
                continue  # one sentence per kind of gaffe: the note stays short
            if flag["code"] == "employer-negativity":
                addressed.add(flag["code"])
                out.append(Sentence(
                    f"On reflection, I spoke about my previous employer more negatively than I intended{about}; "
                    "I would rather have kept the focus on what I can bring to this role.", where))
            elif flag["code"] == "non-answer":
                addressed.add(flag["code"])
                out.append(Sentence(
                    f"I would also like to come back to your question \u201c{question}\u201d, which I did not answer "
                    "well in the moment; I would be glad to send a considered answer if that would be helpful.",
                    where) if question else Sentence(
                    "I would also like to come back to one question I did not answer well in the moment, and would be "
                    "glad to send a considered answer if that would be helpful.", where))
    return out


def followup_note(report: Mapping[str, Any]) -> FollowUp:
    """The thank-you email draft for a report (its JSON form, any schema version this tool reads)."""
    report = upgrade(report)
    interviewer = _person(_speaker(report, "interviewer"))
    candidate = _person(_speaker(report, "candidate"))
    note = FollowUp(greeting=f"Dear {interviewer}," if interviewer else "Dear [interviewer's name],",
                    signature=candidate or "[Your name]")
    thanks = [Sentence("Thank you for taking the time to interview me.", "template:thanks")]
    asked = session_strengths(report)
    if asked:
        question = _quotable(asked[0]["evidence"][0])
        thanks.append(Sentence(f"I appreciated your answer to my question \u201c{question}\u201d.",
                               "metrics.candidate_questions.questions[0]"))
    note.paragraphs.append(thanks)
    note.paragraphs.append(_strongest_point(report))
    gaffes = _gaffes(report)
    if gaffes:
        note.paragraphs.append(gaffes)
    note.paragraphs.append([Sentence("Thank you again, and I look forward to hearing about the next steps.",
                                     "template:close")])
    return note


def resolve(report: Mapping[str, Any], source: str) -> Any:
    """The part of ``report`` a sentence's ``source`` names (``KeyError``/``IndexError`` when it is not there)."""
    value: Any = upgrade(report)
    for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", source):
        value = value[name] if isinstance(value, Mapping) else getattr(value, name)
        if index:
            value = value[int(index)]
    return value
