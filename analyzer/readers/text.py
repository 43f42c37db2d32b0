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
from analyzer.readers.common import clean_label, is_role_label, merge_same_speaker, read_text_file, split_label

_TIMESTAMP = re.compile(r"^\s*[\[(]?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?)[\])]?\s*[-–]?\s*")
_TRAILING_TIME = re.compile(r"^(?P<label>[A-Z][\w.'-]*(?: [A-Z0-9][\w.'-]*){0,3})\s{1,}(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})\s*$")
SELF = "Speaker"
_NUMBERED_SPEAKER = re.compile(r"^(speaker|spk|person|participant|voice)[ _]?\d+$", re.I)


def parse_timestamp(value: str) -> float:
    parts = [float(p.replace(",", ".")) for p in value.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def _parse_line(line: str) -> tuple[float | None, str | None, str]:
    """(time, label, rest) of one line; label is None for a continuation line."""
    time = None
    match = _TIMESTAMP.match(line)
    if match:
        time = parse_timestamp(match.group("ts"))
        line = line[match.end():]
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


def parse_text(text: str, source: str | None = None) -> Transcript:
    lines = text.splitlines()
    parsed = [_parse_line(line) for line in lines]
    counts = Counter(label for _, label, _ in parsed if label)
    header_labels = {label for (_, label, rest), raw in zip(parsed, lines) if label and not rest and _TRAILING_TIME.match(raw.strip())}
    speakers = {label for label, n in counts.items()
                if n >= 2 or is_role_label(label) or label in header_labels or _NUMBERED_SPEAKER.match(label)}

    turns: list[Turn] = []
    paragraph_break = False
    for (time, label, rest), raw in zip(parsed, lines):
        if not raw.strip():
            paragraph_break = True
            continue
        if label is not None and label not in speakers:
            rest = raw.strip() if time is None else f"{label}: {rest}"
            label = None
        if label is not None:
            turns.append(Turn(speaker=label, text=rest, start=time))
        elif turns and not (paragraph_break and not speakers):
            turns[-1].text = f"{turns[-1].text} {rest}".strip()
        else:
            turns.append(Turn(speaker=turns[-1].speaker if turns and speakers else SELF, text=rest, start=time))
        paragraph_break = False

    turns = [t for t in turns if t.text.strip()]
    if not speakers:  # self-practice: keep paragraphs as separate turns
        for turn in turns:
            turn.speaker = SELF
    else:
        turns = merge_same_speaker(turns)
    for current, nxt in zip(turns, turns[1:]):
        if current.start is not None and nxt.start is not None:
            current.end = nxt.start
    return Transcript(turns=turns, source=source, format="text")


def read(path: Path) -> Transcript:
    return parse_text(read_text_file(path), source=str(path))
