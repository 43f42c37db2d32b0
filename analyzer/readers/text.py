"""Plain-text transcripts with speaker labels.

Understands ``Interviewer:``/``Candidate:``, ``Q:``/``A:``, ``Coach:``, personal names
(``Jane Doe:``), continuation lines, blank lines, timestamp prefixes such as
``[00:01:23]`` and label lines followed by the text (``Jane Doe  0:05`` as Otter exports).
A line counts as a new speaker when its label is a known role word or occurs at least twice
(so ``Result: we shipped`` inside an answer stays text). Without any labels the whole text is
one speaker's (self-practice), one turn per paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from analyzer.datamodel import Transcript, Turn
from analyzer.errors import InputError
from analyzer.readers.common import clean_label, is_role_label, merge_same_speaker, read_text_file, split_label
from analyzer.readers.limits import check_transcript, excerpt

_TIMESTAMP = re.compile(r"^\s*[\[(]?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?)[\])]?\s*[-–]?\s*")
_TRAILING_TIME = re.compile(r"^(?P<label>[A-Z][\w.'-]*(?: [A-Z0-9][\w.'-]*){0,3})\s{1,}(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})\s*$")
SELF = "Speaker"
_NUMBERED_SPEAKER = re.compile(r"^(speaker|spk|person|participant|voice)[ _]?\d+$", re.I)
_TIMESTAMP_LIKE = re.compile(r"^\s*[\[(]\s*[-+\u2212]?[\d.,]*:[\d:.,]*\s*[\])]")
"""A bracketed prefix meant as a time that :data:`_TIMESTAMP` does not read (``[-1:00]``, ``[123:00:00]``)."""


def parse_timestamp(value: str) -> float:
    parts = [float(p.replace(",", ".")) for p in value.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def _parse_line(line: str) -> tuple[float | None, str | None, str]:
    """(time, label, rest) of one line; label is None for a continuation line. Raises ``ValueError``
    for a bracketed time that is not one (negative, or too many digits)."""
    time = None
    match = _TIMESTAMP.match(line)
    if match:
        time = parse_timestamp(match.group("ts"))
        line = line[match.end():]
    elif _TIMESTAMP_LIKE.match(line):
        raise ValueError(_TIMESTAMP_LIKE.match(line).group().strip())
    trailing = _TRAILING_TIME.match(line.strip())
    if trailing:
        return parse_timestamp(trailing.group("ts")), clean_label(trailing.group("label")), ""
    label, rest = split_label(line)
    if label is not None:
        # "Name (00:01:23): text" or "Name [00:01:23]: text"
        inner = re.match(r"^(.*?)\s*[\[(]((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]$", label)
        if inner:
            label, time = inner.group(1), parse_timestamp(inner.group(2))
        return time, clean_label(label), rest
    return time, None, line.strip()


def _parse_lines(lines: list[str], source: str) -> list[tuple[float | None, str | None, str]]:
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            parsed.append(_parse_line(line))
        except ValueError as bad:
            raise InputError(f"{source}: line {number}: {excerpt(str(bad))} is not a time "
                             "(expected [mm:ss] or [hh:mm:ss])") from None
    return parsed


def parse_text(text: str, source: str | None = None) -> Transcript:
    """A transcript from labelled text; one-line :class:`InputError` for bad times, no speech or too much text."""
    name = source or "input"
    lines = text.splitlines()
    parsed = _parse_lines(lines, name)
    counts = Counter(label for _, label, _ in parsed if label)
    header_labels = {label for (_, label, rest), raw in zip(parsed, lines) if label and not rest and _TRAILING_TIME.match(raw.strip())}
    speakers = {label for label, n in counts.items()
                if n >= 2 or is_role_label(label) or label in header_labels or _NUMBERED_SPEAKER.match(label)}

    turns: list[Turn] = []
    texts: list[list[str]] = []  # each turn's lines, joined once at the end (linear time)
    paragraph_break = False
    for (time, label, rest), raw in zip(parsed, lines):
        if not raw.strip():
            paragraph_break = True
            continue
        if label is not None and label not in speakers:
            rest = raw.strip() if time is None else f"{label}: {rest}"
            label = None
        if label is not None:
            turns.append(Turn(speaker=label, text="", start=time))
            texts.append([rest])
        elif turns and not (paragraph_break and not speakers):
            texts[-1].append(rest)
        else:
            turns.append(Turn(speaker=turns[-1].speaker if turns and speakers else SELF, text="", start=time))
            texts.append([rest])
        paragraph_break = False
    for turn, parts in zip(turns, texts):
        turn.text = " ".join(part for part in parts if part).strip()

    turns = [t for t in turns if t.text.strip()]
    if not speakers:  # self-practice: keep paragraphs as separate turns
        for turn in turns:
            turn.speaker = SELF
    else:
        turns = merge_same_speaker(turns)
    for current, nxt in zip(turns, turns[1:]):
        if current.start is not None and nxt.start is not None:
            if nxt.start < current.start:
                raise InputError(f"{name}: timestamps go backwards ({_clock(nxt.start)} after {_clock(current.start)})")
            current.end = nxt.start
    return check_transcript(Transcript(turns=turns, source=source, format="text"), name)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{secs:02d}"


def read(path: Path) -> Transcript:
    return parse_text(read_text_file(path), source=str(path))
