"""Helpers shared by the readers: decoding text safely, speaker labels (and the ones that name a role), turn building."""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.datamodel import Turn
from analyzer.errors import InputError

_LABEL = re.compile(r"^\s*(?P<label>[A-Z][\w.'-]*(?: [A-Z0-9][\w.'-]*){0,3}|[QA]|[a-z]+ ?\d?)\s*:\s*(?P<rest>.*)$")


def read_text_file(path: Path) -> str:
    """File contents as text: UTF-8, or UTF-16 with a byte-order mark (Windows "Unicode"), with
    one-line errors for empty, binary and other files."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path}: marked as UTF-16 but not valid UTF-16; re-save it as UTF-8") from None
        if not text.strip():
            raise InputError(f"{path}: file is empty")
        return text
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: looks like a binary file, not a transcript")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8"
        ) from None


def split_label(text: str) -> tuple[str | None, str]:
    """``"Jane Doe: Hi"`` -> ``("Jane Doe", "Hi")``; text without a label -> ``(None, text)``."""
    match = _LABEL.match(text)
    if not match:
        return None, text
    return match.group("label").strip(), match.group("rest").strip()


def clean_label(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().strip(">-[]()")).strip()


def merge_same_speaker(turns: list[Turn]) -> list[Turn]:
    """Join consecutive turns (cues, lines) of one speaker into one turn."""
    out: list[Turn] = []
    for turn in turns:
        if not turn.text.strip() and not turn.words:
            continue
        if out and out[-1].speaker == turn.speaker:
            prev = out[-1]
            offset = len(prev.text) + 1
            prev.text = f"{prev.text} {turn.text}"
            for word in turn.words:
                if word.start_char is not None and word.end_char is not None:
                    word.start_char += offset
                    word.end_char += offset
            prev.words.extend(turn.words)
            prev.end = turn.end if turn.end is not None else prev.end
        else:
            out.append(turn)
    return out


INTERVIEWER_LABELS = frozenset(
    {"interviewer", "q", "question", "coach", "recruiter", "hiring manager", "manager", "host", "hr",
     "panel", "panelist", "panellist", "examiner", "mentor", "interviewer a", "interviewer b"}
)
CANDIDATE_LABELS = frozenset(
    {"candidate", "a", "answer", "applicant", "interviewee", "me", "student", "job seeker", "jobseeker"}
)


def _normalise(label: str) -> str:
    return re.sub(r"[\s_]*\d+$", "", label.strip().lower()).strip()


def role_of_label(label: str) -> str | None:
    name = _normalise(label)
    if name in INTERVIEWER_LABELS:
        return "interviewer"
    if name in CANDIDATE_LABELS:
        return "candidate"
    return None


def is_role_label(label: str) -> bool:
    return role_of_label(label) is not None
