"""Readers, one per input format, chosen by file extension.

Transcripts (text, WebVTT, SRT, JSON) become a :class:`~analyzer.datamodel.Transcript` here;
recordings are only decoded here (:mod:`analyzer.readers.audio`) and transcribed by
:mod:`analyzer.recording`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from analyzer.datamodel import Transcript
from analyzer.errors import InputError

TEXT_READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".vtt": "vtt",
    ".srt": "srt",
    ".json": "json",
}
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".webm", ".mp4", ".mkv", ".mov", ".wma"}
)
"""Recordings decoded with PyAV (video files: their audio track)."""


def supported_extensions() -> list[str]:
    return sorted({*TEXT_READERS, *AUDIO_EXTENSIONS})


def _text_reader(kind: str) -> Callable[[Path], Transcript]:
    if kind == "text":
        from analyzer.readers.text import read
    elif kind == "vtt":
        from analyzer.readers.subtitles import read_vtt as read
    elif kind == "srt":
        from analyzer.readers.subtitles import read_srt as read
    else:
        from analyzer.readers.json_transcript import read
    return read


def check_input_path(path: Path) -> None:
    """One-line errors for paths that cannot be an input."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory (use 'interview-analyzer batch' for folders)")
    suffix = path.suffix.lower()
    if suffix not in TEXT_READERS and suffix not in AUDIO_EXTENSIONS:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'}; supported: {', '.join(supported_extensions())}"
        )


def read_transcript(path: Path) -> Transcript:
    """Read a transcript file (text, WebVTT, SRT or JSON); recordings go to :mod:`analyzer.recording`."""
    check_input_path(path)
    return _text_reader(TEXT_READERS[path.suffix.lower()])(path)
