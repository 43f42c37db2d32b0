"""Helpers shared by the readers: decoding text safely, speaker labels (and the ones that name a role), turn building."""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.datamodel import Turn
from analyzer.errors import InputError
from analyzer.readers.limits import MAX_FILE_BYTES, is_blank

_LABEL = re.compile(r"^\s*(?P<label>[A-Z][\w.'-]*(?: [A-Z0-9][\w.'-]*){0,3}|[QA]|[a-z]+ ?\d?)\s*:\s*(?P<rest>.*)$")


_BOMS = (  # longest first: the UTF-32 little-endian mark starts with the UTF-16 one
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def read_text_file(path: Path) -> str:
    """File contents as text: UTF-8, or UTF-16 / UTF-32 with a byte-order mark (Windows "Unicode"), with
    one-line errors for empty, binary and other files. Text of only invisible characters (zero-width
    spaces, direction marks) counts as empty; a NUL character anywhere means it is not text. Line ends
    come back as "\\n" (Windows CR LF and old Mac CR-only files alike)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: a transcript file of {size / 2**20:,.0f} MB is over the limit of "
                         f"{MAX_FILE_BYTES // 2**20} MB")
    data = path.read_bytes()
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(f"{path}: marked as {name} but not valid {name}; re-save it as UTF-8") from None
            if "\x00" in text:
                raise InputError(f"{path}: marked as {name} but holds NUL characters (another encoding?); "
                                 "re-save it as UTF-8")
            break
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(f"{path}: looks like a binary file, not a transcript (a NUL byte at offset {nul})")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8"
            ) from None
    if is_blank(text):
        raise InputError(f"{path}: file is empty" + ("" if not text.strip() else " (only invisible characters)"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_label(text: str) -> tuple[str | None, str]:
    """``"Jane Doe: Hi"`` -> ``("Jane Doe", "Hi")``; text without a label -> ``(None, text)``."""
    match = _LABEL.match(text)
    if not match:
        return None, text
    return match.group("label").strip(), match.group("rest").strip()


def clean_label(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().strip(">-[]()")).strip()


def merge_same_speaker(turns: list[Turn]) -> list[Turn]:
    """Join consecutive turns (cues, lines) of one speaker into one turn, in time linear in the text."""
    out: list[Turn] = []
    parts: list[list[str]] = []  # the texts of each output turn, joined once at the end
    lengths: list[int] = []  # the length each output turn's text will have
    for turn in turns:
        if not turn.text.strip() and not turn.words:
            continue
        if out and out[-1].speaker == turn.speaker:
            prev = out[-1]
            offset = lengths[-1] + 1
            parts[-1].append(turn.text)
            lengths[-1] = offset + len(turn.text)
            for word in turn.words:
                if word.start_char is not None and word.end_char is not None:
                    word.start_char += offset
                    word.end_char += offset
            prev.words.extend(turn.words)
            prev.end = turn.end if turn.end is not None else prev.end
        else:
            out.append(turn)
            parts.append([turn.text])
            lengths.append(len(turn.text))
    for turn, texts in zip(out, parts):
        turn.text = " ".join(texts)
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
