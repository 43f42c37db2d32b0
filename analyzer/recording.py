"""A recording in, a timed transcript out: decode, measure silences, transcribe (cached), tell the speakers apart.

The stages are :mod:`analyzer.readers.audio` (decoding), :mod:`analyzer.asr.vad` (silences),
:mod:`analyzer.asr` (Whisper, with the transcript cache) and :mod:`analyzer.speakers` (one speaker
per channel, or diarization by voice).

``settings`` is the configuration's ``[audio]`` table with command-line overrides:

* ``engine``: ``faster-whisper`` (default) or ``openai-whisper``;
* ``model``: Whisper model name, CTranslate2 directory or ``.pt`` file (default: bundled tiny.en);
* ``filler-prompt``: carry a short "um, uh" prompt so Whisper keeps hesitations (default true);
* ``beam-size``: Whisper's beam (default 5; 1, greedy, costs about a third less CPU and some accuracy);
* ``cache``: reuse transcripts of the same audio, engine, model and options (default true);
* ``quiet``: no progress bar (default false);
* ``min-silence-s``: shortest silence recorded in ``Transcript.silences`` (default 0.3);
* ``max-duration-s``: longest recording accepted (default 3 h; memory grows with length).

Other keys of the table (``min-pause-s``, ``speakers``) belong to the pipeline and diarization.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from analyzer.asr.vad import DEFAULT_MIN_SILENCE_S, measure_silences, speech_regions
from analyzer.datamodel import AudioInfo, Transcript, Turn
from analyzer.errors import ConfigError
from analyzer.readers.audio import DEFAULT_MAX_DURATION_S, DecodedAudio, decode_audio

log = logging.getLogger("analyzer")

PROGRESS_MIN_DURATION_S = 10.0
"""Recordings shorter than this transcribe without a progress bar."""


def read_recording(path: Path, settings: Mapping[str, Any]) -> tuple[Transcript, DecodedAudio]:
    """Transcribe the recording at ``path`` into a timed Transcript; also return its audio."""
    from analyzer import asr
    from analyzer.asr import cache

    engine_name = asr.engine_name(settings.get("engine"))
    model = settings.get("model") or None
    options = asr.AsrOptions(filler_prompt=_flag(settings, "filler-prompt", True), beam_size=_beam_size(settings))
    min_silence_s = _number(settings, "min-silence-s", DEFAULT_MIN_SILENCE_S)

    audio = decode_audio(Path(path), max_duration_s=_number(settings, "max-duration-s", DEFAULT_MAX_DURATION_S))
    speech = speech_regions(audio.samples, min_silence_s=min_silence_s)
    silences = measure_silences(audio.samples, min_silence_s=min_silence_s)

    use_cache = _flag(settings, "cache", True)

    def recognise(part: DecodedAudio, part_speech: list[tuple[float, float]], label: str = "") -> list[asr.Segment]:
        """Segments of ``part`` (the recording, or one channel of it: ``label``), cached."""
        if not part_speech:
            return []  # silence only: nothing to recognise, no model to load
        key = cache.cache_key((audio.sha256 or "") + label, engine_name, asr.model_label(model), options.as_dict())
        segments = cache.load(key) if use_cache else None
        if segments is not None:
            log.info("transcript of %s%s read from the cache", path, label)
            return segments
        engine = asr.get_engine(engine_name, model)
        with _progress_bar(audio.duration_s, quiet=_flag(settings, "quiet", False)) as progress:
            segments = asr.transcribe(part, engine, options, part_speech, progress=progress)
        if use_cache:
            cache.store(key, segments, {"engine": engine_name, "model": engine.model, "options": options.as_dict()})
        return segments

    def transcript_of(segments: list[asr.Segment]) -> Transcript:
        # One speaker per Whisper segment here; diarization re-splits these turns by speaker.
        turns = [Turn(speaker="Speaker 1", text=s.text, start=s.start, end=s.end, words=s.words) for s in segments]
        return Transcript(
            turns=turns,
            source=str(path),
            format="audio",
            audio=AudioInfo(
                path=str(path),
                duration_s=round(audio.duration_s, 3),
                sample_rate=audio.sample_rate,
                channels=audio.source_channels,
                sha256=audio.sha256,
            ),
            silences=silences,
            asr={"engine": engine_name, "model": asr.model_label(model), "options": options.as_dict()},
        )

    from analyzer.speakers.channels import distinct_channels, merge_channel_transcripts, split_channels
    from analyzer.speakers.diarize import diarize

    speakers = _speakers(settings)
    if speakers != 1 and audio.channels is not None and distinct_channels(audio.channels):
        # One speaker per channel: each channel is transcribed alone, so overlapping speech
        # stays intelligible, and the channel names the speaker.
        per_channel = [
            transcript_of(recognise(part, speech_regions(part.samples, min_silence_s=min_silence_s), f"#channel{i}"))
            for i, part in enumerate(split_channels(audio), start=1)
        ]
        return merge_channel_transcripts(per_channel), audio
    return diarize(transcript_of(recognise(audio, speech)), audio, speakers), audio


def _speakers(settings: Mapping[str, Any]) -> int | None:
    """The ``speakers`` setting: how many people speak (1-4), or None (or 0) to estimate it."""
    value = settings.get("speakers")
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise ConfigError(f"audio setting speakers must be a whole number from 1 to 4, got {value!r}")
    return value


def _flag(settings: Mapping[str, Any], key: str, default: bool) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"audio setting {key} must be true or false, got {value!r}")
    return value


def _beam_size(settings: Mapping[str, Any]) -> int:
    from analyzer.asr import AsrOptions

    value = settings.get("beam-size", AsrOptions.beam_size)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        raise ConfigError(f"audio setting beam-size must be a whole number from 1 to 20, got {value!r}")
    return value


def _number(settings: Mapping[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"audio setting {key} must be a positive number, got {value!r}")
    return float(value)


@contextlib.contextmanager
def _progress_bar(duration_s: float, *, quiet: bool) -> Iterator[Callable[[float], None] | None]:
    """A rich progress bar on stderr, in audio seconds, for recordings worth waiting for (on a terminal: in a
    pipe or log file the finished bar left an empty line)."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or duration_s < PROGRESS_MIN_DURATION_S or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("transcribing"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("transcribing", total=duration_s)
        yield lambda seconds: bar.update(task, completed=min(seconds, duration_s))
