"""Transcript cache: re-analysing the same audio does not transcribe it again.

The key is the audio file's SHA-256 plus engine, model and decoding options (and a
format version); entries are JSON files under ``<cache_dir>/transcripts/``, written
atomically so an interrupted run never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from analyzer.asr import Segment
from analyzer.datamodel import Word

log = logging.getLogger("analyzer")

CACHE_FORMAT = 5  # 2: faster-whisper passes the filler prompt as initial_prompt; 3: second pass over skipped speech; 4: second pass also retries poorly covered speech; 5: speech decoded clip by clip, no earlier text in the prompt


def cache_key(audio_sha256: str, engine: str, model: str, options: dict[str, Any]) -> str:
    material = {"format": CACHE_FORMAT, "audio": audio_sha256, "engine": engine, "model": model, "options": options}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def cache_path(key: str) -> Path:
    from analyzer.resources import cache_dir

    return cache_dir() / "transcripts" / f"{key}.json"


def load(key: str) -> list[Segment] | None:
    """The cached segments, or ``None`` on a miss (an unreadable entry counts as a miss)."""
    path = cache_path(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Segment(s["start"], s["end"], s["text"], [Word(**w) for w in s["words"]]) for s in data["segments"]
        ]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring unreadable transcript cache entry %s: %s", path, error)
        return None


def store(key: str, segments: list[Segment], meta: dict[str, Any]) -> None:
    from dataclasses import asdict

    path = cache_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps({**meta, "segments": [asdict(s) for s in segments]}), encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
