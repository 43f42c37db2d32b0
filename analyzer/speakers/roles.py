"""Who is the interviewer and who is the candidate.

Labels that name a role (``Interviewer``, ``Q``, ``Coach``, ``Candidate``, ``A``...; the list is
:func:`analyzer.readers.common.role_of_label`) decide directly. Otherwise (personal names, ``Speaker 1``) the interviewer is the speaker who asks
the largest share of questions and the candidate is the speaker who talks most among the rest;
``candidate=``/``interviewer=`` override. One speaker means self-practice: they are the candidate.
"""

from __future__ import annotations

from typing import Any

from analyzer.datamodel import Transcript
from analyzer.errors import InputError
from analyzer.readers.common import role_of_label
from analyzer.text.questions import question_score


class SpeakerChoiceError(InputError):
    """A speaker chosen as candidate or interviewer that cannot be used. The message names the two
    choices as options (``--candidate``); a batch sidecar words them as its keys (:meth:`worded`)."""

    def __init__(self, template: str, values: dict[str, str]) -> None:
        self.template, self.values = template, values
        super().__init__(self.worded())

    def worded(self, candidate: str = "--candidate", interviewer: str = "--interviewer") -> str:
        return self.template.format(candidate=candidate, interviewer=interviewer, **self.values)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.template, self.values)


def _find(speakers: list[str], name: str, role: str) -> str:
    for speaker in speakers:
        if speaker.lower() == name.strip().lower():
            return speaker
    raise SpeakerChoiceError("{%s} {name!r} is not a speaker in this transcript; speakers: {speakers}" % role,
                             {"name": name, "speakers": ", ".join(speakers)})


def assign_roles(
    transcript: Transcript, *, candidate: str | None = None, interviewer: str | None = None
) -> dict[str, str]:
    """Map every speaker to ``interviewer`` or ``candidate`` and set ``turn.role``."""
    speakers = transcript.speakers
    if not speakers:
        raise InputError(f"{transcript.source or 'input'}: transcript has no speech")
    roles: dict[str, str] = {}
    if candidate:
        chosen = _find(speakers, candidate, "candidate")
        if interviewer and _find(speakers, interviewer, "interviewer") == chosen:
            raise SpeakerChoiceError("{candidate} and {interviewer} both name the speaker {speaker!r}", {"speaker": chosen})
        roles = {s: ("candidate" if s == chosen else "interviewer") for s in speakers}
    elif interviewer:
        chosen = _find(speakers, interviewer, "interviewer")
        roles = {s: ("interviewer" if s == chosen else "candidate") for s in speakers}
    elif len(speakers) == 1:
        roles = {speakers[0]: "candidate"}
    else:
        by_label = {s: role_of_label(s) for s in speakers}
        if any(r == "candidate" for r in by_label.values()) or all(by_label.values()):
            roles = {s: (r or "interviewer") for s, r in by_label.items()}
        elif any(r == "interviewer" for r in by_label.values()):
            roles = {s: (r or "candidate") for s, r in by_label.items()}
        else:
            roles = _roles_by_questions(transcript)
    for turn in transcript.turns:
        turn.role = roles[turn.speaker]  # type: ignore[assignment]
    return roles


def _roles_by_questions(transcript: Transcript) -> dict[str, str]:
    """Interviewer = largest share of question turns; candidate = most words among the rest."""
    asked: dict[str, float] = {}
    turns: dict[str, int] = {}
    words: dict[str, int] = {}
    for turn in transcript.turns:
        asked[turn.speaker] = asked.get(turn.speaker, 0.0) + question_score(turn.text)
        turns[turn.speaker] = turns.get(turn.speaker, 0) + 1
        words[turn.speaker] = words.get(turn.speaker, 0) + len(turn.text.split())
    speakers = transcript.speakers
    share = {s: asked[s] / turns[s] for s in speakers}
    interviewer = max(speakers, key=lambda s: (asked[s], share[s], -speakers.index(s)))
    rest = [s for s in speakers if s != interviewer]
    candidate = max(rest, key=lambda s: words[s] * (1.0 - 0.5 * share[s]))
    return {s: ("candidate" if s == candidate else "interviewer") for s in speakers}
