"""WebVTT and SRT captions, parsed with ``webvtt-py`` and ``srt``.

Speakers come from ``<v Name>`` voice tags (Teams, Zoom), a ``Name:`` prefix in the cue
text, or a ``[Name]`` prefix; cues without one continue the previous speaker.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from analyzer.datamodel import Transcript, Turn
from analyzer.errors import InputError
from analyzer.readers.common import clean_label, merge_same_speaker, read_text_file, split_label
from analyzer.readers.limits import check_interval, check_transcript, excerpt

_BRACKET = re.compile(r"^\s*\[(?P<label>[^\]]{1,40})\]\s*(?P<rest>.*)$", re.S)
_TAGS = re.compile(r"</?[^>]+>")
UNLABELLED = "Speaker"


def _speaker_and_text(raw: str, voice: str | None, previous: str | None) -> tuple[str, str]:
    text = " ".join(_TAGS.sub("", raw).split())
    if voice:
        return clean_label(voice), text
    match = _BRACKET.match(text)
    if match:
        return clean_label(match.group("label")), match.group("rest").strip()
    label, rest = split_label(text)
    if label is not None and len(label) <= 40:
        return clean_label(label), rest
    return previous or UNLABELLED, text


def _build(cues: list[tuple[float, float, str, str | None]], source: str, fmt: str) -> Transcript:
    turns: list[Turn] = []
    speaker: str | None = None
    for number, (start, end, raw, voice) in enumerate(cues, 1):
        start, end = check_interval(start, end, f"cue {number}", source)
        speaker, text = _speaker_and_text(raw, voice, speaker)
        if text:
            turns.append(Turn(speaker=speaker, text=text, start=start, end=end))
    if not turns:
        raise InputError(f"{source}: no captions with text found")
    return check_transcript(Transcript(turns=merge_same_speaker(turns), source=source, format=fmt), source)


def _seconds(timestamp) -> float:
    hours, minutes, seconds, milliseconds = timestamp.to_tuple()
    return hours * 3600 + minutes * 60 + seconds + milliseconds / 1000


def _unreadable_timings(text: str, pattern: re.Pattern[str]) -> tuple[int, str] | None:
    """The first line with a cue arrow ("-->") that ``pattern`` does not read: (line number, line)."""
    for number, line in enumerate(text.splitlines(), 1):
        if "-->" in line and not pattern.match(line):
            return number, line
    return None


def read_vtt(path: Path) -> Transcript:
    """Captions of a WebVTT file; a cue whose timing line cannot be read refuses the file (webvtt-py would drop it)."""
    import webvtt
    from webvtt.vtt import WebVTTCueBlock

    text = read_text_file(path)
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except webvtt.errors.MalformedFileError as exc:
        raise InputError(f"{path}: not a valid WebVTT file ({excerpt(str(exc), 80)})") from None
    except (ValueError, OverflowError):
        raise InputError(f"{path}: not a valid WebVTT file (a cue time too large to read)") from None
    bad = _unreadable_timings(text, WebVTTCueBlock.CUE_TIMINGS_PATTERN)
    if bad is not None:
        raise InputError(f"{path}: line {bad[0]}: cue timing {excerpt(bad[1])} is not valid "
                         "(expected hh:mm:ss.ttt --> hh:mm:ss.ttt)")
    cues = [(_seconds(c.start_time), _seconds(c.end_time), c.raw_text, c.voice) for c in captions]
    return _build(cues, str(path), "vtt")


def read_srt(path: Path) -> Transcript:
    """Subtitles of an SRT file; an error quotes a short excerpt of the first text ``srt`` could not read."""
    import srt

    text = read_text_file(path)
    try:
        subtitles = list(srt.parse(text))
        cues = [(s.start.total_seconds(), s.end.total_seconds(), s.content, None) for s in subtitles]
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise InputError(f"{path}: not a valid SRT file (line {line}: cannot read "
                         f"{excerpt(text[exc.expected_start:exc.actual_start].strip() or text[exc.expected_start:])})") from None
    except (ValueError, OverflowError):
        raise InputError(f"{path}: not a valid SRT file (a subtitle time too large to read)") from None
    return _build(cues, str(path), "srt")
