"""JSON transcripts: the project's own format and openai-whisper / faster-whisper output.

Own format (written by ``interview-analyzer transcribe --format json``)::

    {"format": "interview-analyzer-transcript", "version": 1,
     "turns": [{"speaker": "Interviewer", "text": "...", "start": 0.0, "end": 4.2,
                "words": [{"text": "Tell", "start": 0.1, "end": 0.3}, ...]}],
     "silences": [[12.1, 14.6]], "audio": {...}, "asr": {...}}

Whisper output: ``{"text": ..., "segments": [{"start", "end", "text", "words": [{"word",
"start", "end", "probability"}]}]}`` (openai-whisper ``--output_format json``), or a bare list
of such segments (faster-whisper segments dumped as dicts); a ``speaker`` key per segment
(WhisperX style) is honoured.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from analyzer.datamodel import AudioInfo, Transcript, Turn, Word
from analyzer.errors import InputError
from analyzer.readers.common import merge_same_speaker, read_text_file

FORMAT_NAME = "interview-analyzer-transcript"
SINGLE_SPEAKER = "Speaker 1"


def _words_with_offsets(raw_words: list[dict[str, Any]]) -> tuple[str, list[Word]]:
    """Whisper words carry their leading space: rebuild the text and each word's offsets."""
    text = ""
    words: list[Word] = []
    for raw in raw_words:
        token = str(raw.get("word", raw.get("text", "")))
        stripped = token.strip()
        if not stripped:
            continue
        if text:
            text += " "
        start_char = len(text)
        text += stripped
        words.append(
            Word(
                text=stripped,
                start=_num(raw.get("start")),
                end=_num(raw.get("end")),
                probability=_num(raw.get("probability")),
                speaker=raw.get("speaker"),
                start_char=start_char,
                end_char=len(text),
            )
        )
    return text, words


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _from_segments(segments: list[Any], source: str) -> Transcript:
    turns: list[Turn] = []
    for seg in segments:
        if not isinstance(seg, dict):
            raise InputError(f"{source}: segments must be JSON objects")
        raw_words = seg.get("words") or []
        if raw_words:
            text, words = _words_with_offsets(raw_words)
        else:
            text, words = " ".join(str(seg.get("text", "")).split()), []
        if not text:
            continue
        turns.append(
            Turn(
                speaker=str(seg.get("speaker") or SINGLE_SPEAKER),
                text=text,
                start=_num(seg.get("start")),
                end=_num(seg.get("end")),
                words=words,
            )
        )
    return Transcript(turns=merge_same_speaker(turns), source=source, format="whisper-json")


def _from_own(data: dict[str, Any], source: str) -> Transcript:
    turns = []
    for raw in data.get("turns", []):
        words = [Word(**w) for w in raw.get("words", [])]
        turns.append(
            Turn(
                speaker=str(raw["speaker"]),
                text=str(raw["text"]),
                start=_num(raw.get("start")),
                end=_num(raw.get("end")),
                words=words,
            )
        )
    audio = data.get("audio")
    return Transcript(
        turns=turns,
        source=source,
        format="json",
        audio=AudioInfo(**audio) if audio else None,
        silences=[(float(s), float(e)) for s, e in data.get("silences", [])],
        asr=dict(data.get("asr", {})),
    )


def parse_json(text: str, source: str) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        if isinstance(data, dict) and data.get("format") == FORMAT_NAME:
            transcript = _from_own(data, source)
        elif isinstance(data, dict) and isinstance(data.get("segments"), list):
            transcript = _from_segments(data["segments"], source)
        elif isinstance(data, list):
            transcript = _from_segments(data, source)
        else:
            raise InputError(
                f"{source}: unrecognised JSON transcript; expected this tool's transcript JSON "
                "or Whisper output with a 'segments' list"
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{source}: malformed JSON transcript ({exc})") from None
    if not transcript.turns:
        raise InputError(f"{source}: transcript has no speech")
    return transcript


def read(path: Path) -> Transcript:
    return parse_json(read_text_file(path), str(path))


def transcript_to_json(transcript: Transcript) -> dict[str, Any]:
    """The project's own transcript JSON (read back by :func:`parse_json`)."""
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "turns": [
            {
                "speaker": t.speaker,
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "words": [asdict(w) for w in t.words],
            }
            for t in transcript.turns
        ],
        "silences": [list(s) for s in transcript.silences],
        "audio": asdict(transcript.audio) if transcript.audio else None,
        "asr": transcript.asr,
    }
