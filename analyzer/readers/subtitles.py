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
    for start, end, raw, voice in cues:
        speaker, text = _speaker_and_text(raw, voice, speaker)
        if text:
            turns.append(Turn(speaker=speaker, text=text, start=start, end=end))
    if not turns:
        raise InputError(f"{source}: no captions with text found")
    return Transcript(turns=merge_same_speaker(turns), source=source, format=fmt)


def read_vtt(path: Path) -> Transcript:
    import webvtt

    text = read_text_file(path)
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except webvtt.errors.MalformedFileError as exc:
        raise InputError(f"{path}: not a valid WebVTT file ({exc})") from None
    cues = []
    for caption in captions:
        voice = caption.voice
        cues.append((caption.start_in_seconds, caption.end_in_seconds, caption.raw_text, voice))
    return _build(cues, str(path), "vtt")


def read_srt(path: Path) -> Transcript:
    import srt

    text = read_text_file(path)
    try:
        subtitles = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise InputError(f"{path}: not a valid SRT file ({exc})") from None
    cues = [(s.start.total_seconds(), s.end.total_seconds(), s.content, None) for s in subtitles]
    return _build(cues, str(path), "srt")
