"""Export a timed transcript: the project's JSON, WebVTT (``<v Speaker>`` voice tags), SRT
or plain ``Speaker: text`` lines. Every format reads back with ``interview-analyzer analyze``."""

from __future__ import annotations

import json
from datetime import timedelta

from analyzer.datamodel import Transcript
from analyzer.errors import ConfigError

FORMATS = ("json", "vtt", "srt", "txt")
EXTENSIONS = {"json": ".json", "vtt": ".vtt", "srt": ".srt", "txt": ".txt"}


def export(transcript: Transcript, fmt: str) -> str:
    """``transcript`` as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from analyzer.readers.json_transcript import transcript_to_json

        return json.dumps(transcript_to_json(transcript), indent=2, ensure_ascii=False) + "\n"
    if fmt == "vtt":
        return _vtt(transcript)
    if fmt == "srt":
        return _srt(transcript)
    if fmt == "txt":
        return "".join(f"{turn.speaker}: {turn.text}\n" for turn in transcript.turns)
    raise ConfigError(f"unknown transcript format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _vtt(transcript: Transcript) -> str:
    import webvtt
    from webvtt.models import Timestamp

    captions = [
        webvtt.Caption(
            start=str(Timestamp.from_seconds(turn.start or 0.0)),
            end=str(Timestamp.from_seconds(turn.end or turn.start or 0.0)),
            text=f"<v {turn.speaker}>{turn.text}",
        )
        for turn in transcript.turns
    ]
    return webvtt.WebVTT(captions=captions).content


def _srt(transcript: Transcript) -> str:
    import srt

    subtitles = [
        srt.Subtitle(
            index=index,
            start=timedelta(seconds=turn.start or 0.0),
            end=timedelta(seconds=turn.end or turn.start or 0.0),
            content=f"{turn.speaker}: {turn.text}",
        )
        for index, turn in enumerate(transcript.turns, start=1)
    ]
    return srt.compose(subtitles)

