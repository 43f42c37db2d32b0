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


def _timing_problem(text: str, timing: re.Pattern[str], fmt: str, *, arrows_in_text: bool) -> str | None:
    """Where a caption parser would drop or swallow text without a word: the first line holding a cue
    arrow ("-->") that is not a cue timing ``timing`` reads, as "line N: ..."; None when there is none.
    ``arrows_in_text``: an arrow in a line that does not start like a time is cue text (SRT), not an error."""
    for number, line in enumerate(text.split("\n"), 1):
        if "-->" in line and not timing.match(line):
            if line.lstrip()[:1].isdigit() or line.lstrip().startswith("-"):
                return f"line {number}: cue timing {excerpt(line)} is not valid (expected {fmt})"
            if not arrows_in_text:
                return f"line {number}: '-->' inside cue text is not allowed in WebVTT ({excerpt(line)})"
    return None


_VTT_STAMP = r"(?:\d{1,10}:)?[0-5]?\d:[0-5]?\d\.\d{1,3}"
"""A WebVTT time webvtt-py reads (hours up to 10 digits; minutes and seconds below 60)."""
_VTT_TIMING = re.compile(rf"\s*{_VTT_STAMP}\s*-->\s*{_VTT_STAMP}(?=\s|$)")


def _vtt_stray_block(text: str) -> str | None:
    """The first block after the header that is neither a cue nor a NOTE, STYLE or REGION block
    (webvtt-py skips it silently), as "line N: ..."."""
    lines = text.split("\n")
    start: int | None = None
    header = True
    for number, line in enumerate([*lines, ""], 1):
        if line.strip():
            start = number if start is None else start
            continue
        if start is None:
            continue
        block, start, was_header, header = lines[start - 1:number - 1], None, header, False
        if not was_header and not block[0].startswith(("NOTE", "STYLE", "REGION")) and \
                not any("-->" in line for line in block[:2]):
            return f"line {number - len(block)}: text outside any cue ({excerpt(block[0])}); is a cue timing missing?"
    return None


def read_vtt(path: Path) -> Transcript:
    """Captions of a WebVTT file. Text webvtt-py would drop silently (a cue with an unreadable timing, a
    block without one, "-->" in cue text) refuses the file with the line."""
    import webvtt

    text = read_text_file(path)
    try:
        captions = list(webvtt.from_buffer(io.StringIO(text)))
    except webvtt.errors.MalformedFileError as exc:
        raise InputError(f"{path}: not a valid WebVTT file ({excerpt(str(exc), 80)})") from None
    except (ValueError, OverflowError):
        raise InputError(f"{path}: not a valid WebVTT file (a cue time too large to read)") from None
    problem = _timing_problem(text, _VTT_TIMING, "hh:mm:ss.ttt --> hh:mm:ss.ttt", arrows_in_text=False) or _vtt_stray_block(text)
    arrows = text.count("-->")
    if problem is None and len(captions) != arrows:
        problem = f"{arrows - len(captions)} of {arrows} cues could not be read"
    if problem is not None:
        raise InputError(f"{path}: {problem}")
    cues = [(_seconds(c.start_time), _seconds(c.end_time), c.raw_text, c.voice) for c in captions]
    return _build(cues, str(path), "vtt")


def read_srt(path: Path) -> Transcript:
    """Subtitles of an SRT file; an error quotes a short excerpt of the first text ``srt`` could not read."""
    import srt

    text = read_text_file(path)
    timing = re.compile(rf"\s*{srt.RGX_TIMESTAMP} *-[ -] *> *{srt.RGX_TIMESTAMP}")
    problem = _timing_problem(text, timing, "hh:mm:ss,ttt --> hh:mm:ss,ttt", arrows_in_text=True)
    if problem is not None:
        raise InputError(f"{path}: {problem}")
    try:
        subtitles = list(srt.parse(text))
        cues = [(s.start.total_seconds(), s.end.total_seconds(), s.content, None) for s in subtitles]
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise InputError(f"{path}: not a valid SRT file (line {line}: cannot read "
                         f"{excerpt(text[exc.expected_start:exc.actual_start].strip() or text[exc.expected_start:])})") from None
    except (ValueError, OverflowError):
        raise InputError(f"{path}: not a valid SRT file (a subtitle time too large to read)") from None
    for number, subtitle in enumerate(subtitles, 1):
        if any(timing.match(line) for line in subtitle.content.split("\n")):
            raise InputError(f"{path}: cue {number}: its text holds another cue's timing (a blank line missing?)")
    return _build(cues, str(path), "srt")
