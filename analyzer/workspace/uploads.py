"""Storing an upload: bounded in size, typed by its content, under generated names, atomically.

The bytes go to a temporary file under ``DIR/tmp`` (counted as they arrive, refused past the limit),
are fsynced, typed by what they contain (a transcript is UTF-8 or UTF-16 text without NUL bytes and
is told apart as JSON, WebVTT, SRT or plain text; a recording is anything PyAV opens with an audio
stream), then renamed into a new folder ``DIR/sessions/<random hex>/input.<ext>``. The client's file
name is kept only as a title to show. A server killed mid-upload leaves at most a temporary file,
which the next start removes; a session row is written only once its file is complete.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DEFAULT_MAX_UPLOAD_MB = 200
_SRT_START = re.compile(r"\A\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->")
_AUDIO_FORMATS = {"wav": ".wav", "ogg": ".ogg", "mp3": ".mp3", "flac": ".flac", "aac": ".aac", "webm": ".webm",
                  "matroska": ".mkv", "mov": ".m4a", "mp4": ".m4a", "m4a": ".m4a", "asf": ".wma"}
_TEXT_SNIFF_BYTES = 1 << 20


class UploadError(ValueError):
    """An upload refused with a reason for the user; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 415) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Stored:
    folder: str
    input_name: str
    is_audio: bool
    title: str


def safe_title(name: str | None) -> str:
    """The client's file name as a display title: its last path part, printable, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if c.isprintable()).strip() or "upload"
    return base[:120]


def tmp_dir(data_dir: Path) -> Path:
    return data_dir / "tmp"


def sessions_dir(data_dir: Path) -> Path:
    return data_dir / "sessions"


def clean_tmp(data_dir: Path) -> None:
    """Remove what uploads interrupted by a crash left behind."""
    shutil.rmtree(tmp_dir(data_dir), ignore_errors=True)
    tmp_dir(data_dir).mkdir(parents=True, exist_ok=True)


def _text_kind(head: bytes) -> str | None:
    """The transcript extension for these leading bytes, or None when they are not text."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not merely a character cut at the sniffing limit
                continue
            text = head[:exc.start].decode(encoding)
        if "\x00" in text or not text.strip():
            return None
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            try:
                json.loads(text)
                return ".json"
            except ValueError:
                pass
        if stripped.startswith("WEBVTT"):
            return ".vtt"
        if _SRT_START.match(text):
            return ".srt"
        return ".txt"
    return None


def _audio_kind(path: Path) -> str | None:
    import av

    try:
        with av.open(str(path), "r") as container:
            if not container.streams.audio:
                return None
            names = container.format.name.split(",")
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError):
        return None
    return next((_AUDIO_FORMATS[n] for n in names if n in _AUDIO_FORMATS), None)


def store_upload(stream: BinaryIO, filename: str | None, data_dir: Path, max_bytes: int) -> Stored:
    """Copy ``stream`` into a new session folder (see the module docstring); raises :class:`UploadError`."""
    tmp_dir(data_dir).mkdir(parents=True, exist_ok=True)
    part = tmp_dir(data_dir) / f"{secrets.token_hex(16)}.part"
    try:
        size = 0
        with open(part, "xb") as out:
            while block := stream.read(1 << 20):
                size += len(block)
                if size > max_bytes:
                    raise UploadError(f"the file is larger than the {max_bytes // (1 << 20)} MB limit", 413)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadError("the file is empty", 400)
        with open(part, "rb") as sniff:
            head = sniff.read(_TEXT_SNIFF_BYTES)
        ext = _text_kind(head)
        is_audio = ext is None
        if is_audio:
            ext = _audio_kind(part)
        if ext is None:
            raise UploadError("not a transcript (UTF-8 text, WebVTT, SRT, JSON) or a recording this tool can decode")
        folder = secrets.token_hex(16)
        target_dir = sessions_dir(data_dir) / folder
        target_dir.mkdir(parents=True)
        input_name = f"input{ext}"
        os.replace(part, target_dir / input_name)
        _fsync_dir(target_dir)
        _fsync_dir(target_dir.parent)
        return Stored(folder, input_name, is_audio, safe_title(filename))
    finally:
        part.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_file(path: Path, data_dir: Path, max_bytes: int) -> Stored:
    """:func:`store_upload` for a file on disk (the demo's sample sessions)."""
    with open(path, "rb") as stream:
        return store_upload(stream, path.name, data_dir, max_bytes)
