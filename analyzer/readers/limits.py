"""What every transcript satisfies once read, whatever its format (docs/robustness.md).

- Times are finite seconds from 0 to :data:`MAX_TIME_S`, and nothing ends before it starts;
  a reader refuses a file that breaks this, naming the first bad time and where it is.
- A transcript file is at most :data:`MAX_FILE_BYTES`, its text at most :data:`MAX_TEXT_CHARS`
  characters, so every answer stays well under spaCy's ``max_length`` and the run time stays bounded.
- Turns holding only invisible characters (spaces, zero-width and direction marks) are dropped;
  a transcript left with none is refused as having no speech.

Error messages quote input with :func:`excerpt`, so an error is one short line.
"""

from __future__ import annotations

import math
import unicodedata

from analyzer.datamodel import Transcript
from analyzer.errors import InputError

MAX_TIME_S = 24 * 3600.0
"""Latest time accepted (a day): 8 times the longest recording accepted by default."""

MAX_TEXT_CHARS = 500_000
"""Longest transcript accepted, in characters: about 9 hours of speech."""

MAX_FILE_BYTES = 64 * 2**20
"""Largest transcript file read (checked before reading it): Whisper JSON with word timings of 24 hours is ~25 MB."""

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn", "Cs"})


def excerpt(text: str, limit: int = 40) -> str:
    """``text`` quoted on one line and cut to about ``limit`` characters, for error messages."""
    cut = text[:limit]
    return repr(cut) + ("…" if len(text) > limit else "")


def is_blank(text: str) -> bool:
    """True when ``text`` has no visible character (only spaces, zero-width and direction marks, controls)."""
    return all(char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in text)


def check_time(value: float | None, where: str, source: str) -> float | None:
    """``value`` as a float, or an :class:`InputError` naming ``where`` when it is not a usable time."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{source}: {where}: time {excerpt(str(value))} is not a number")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds):
        raise InputError(f"{source}: {where}: time {seconds} is not a finite number")
    if seconds < 0:
        raise InputError(f"{source}: {where}: negative time {seconds:g} s")
    if seconds > MAX_TIME_S:
        raise InputError(f"{source}: {where}: time {seconds:g} s is past the limit of {MAX_TIME_S:g} s (24 h)")
    return seconds


def check_interval(start: float | None, end: float | None, where: str, source: str) -> tuple[float | None, float | None]:
    """Both times checked by :func:`check_time`, and ``end`` not before ``start``."""
    start, end = check_time(start, where, source), check_time(end, where, source)
    if start is not None and end is not None and end < start:
        raise InputError(f"{source}: {where}: ends at {end:g} s, before it starts at {start:g} s")
    return start, end


def check_transcript(transcript: Transcript, source: str) -> Transcript:
    """Drop blank turns, then refuse a transcript with no speech, over :data:`MAX_TEXT_CHARS`, or with bad turn times."""
    transcript.turns = [turn for turn in transcript.turns if not is_blank(turn.text)]
    if not transcript.turns:
        raise InputError(f"{source}: transcript has no speech (no visible text)")
    size = sum(len(turn.text) for turn in transcript.turns)
    if size > MAX_TEXT_CHARS:
        raise InputError(f"{source}: transcript has {size:,} characters, over the limit of {MAX_TEXT_CHARS:,} "
                         "(about 9 hours of speech); split it into sessions")
    for number, turn in enumerate(transcript.turns, 1):
        turn.start, turn.end = check_interval(turn.start, turn.end, f"turn {number} ({excerpt(turn.speaker, 20)})",
                                              source)
    return transcript
