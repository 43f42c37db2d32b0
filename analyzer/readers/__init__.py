"""Readers, one per input format, chosen by file extension."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

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


@dataclass
class Loaded:
    """A transcript, plus the decoded audio when the input was a recording."""

    transcript: Transcript
    audio: Any = None  # analyzer.audio.DecodedAudio


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


def read_input(path: Path, audio_settings: Mapping[str, Any] | None = None) -> Loaded:
    """Read any supported input file."""
    check_input_path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_READERS:
            return Loaded(_text_reader(TEXT_READERS[suffix])(path))
        from analyzer.readers.audio import read_audio

        transcript, audio = read_audio(path, dict(audio_settings or {}))
        return Loaded(transcript, audio)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
