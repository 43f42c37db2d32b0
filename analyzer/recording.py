"""A recording in, a timed transcript out: decode, measure silences, transcribe (cached), tell the speakers apart.

The stages are :mod:`analyzer.readers.audio` (decoding), :mod:`analyzer.asr.vad` (silences),
:mod:`analyzer.asr` (Whisper, with the transcript cache) and :mod:`analyzer.speakers` (one speaker
per channel, or diarization by voice).

``settings`` is the configuration's ``[audio]`` table with command-line overrides; its keys, defaults and
ranges are declared once, in :func:`analyzer.config.setting_options`.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from analyzer.asr.vad import measure_silences, speech_regions
from analyzer.config import setting_options, validate_settings
from analyzer.datamodel import AudioInfo, Transcript, Turn
from analyzer.readers.audio import DecodedAudio, decode_audio

log = logging.getLogger("analyzer")

PROGRESS_MIN_DURATION_S = 10.0
"""Recordings shorter than this transcribe without a progress bar."""


def read_recording(
    path: Path, settings: Mapping[str, Any], transcribed: Callable[[], None] | None = None
) -> tuple[Transcript, DecodedAudio]:
    """Transcribe the recording at ``path`` into a timed Transcript; also return its audio.
    ``transcribed`` is called once the words are recognised, before the speakers are told apart."""
    from analyzer import asr
    from analyzer.asr import cache

    settings = audio_settings(settings)
    engine_name = settings["engine"]
    model = settings["model"] or None
    options = asr.AsrOptions(filler_prompt=settings["filler-prompt"], beam_size=settings["beam-size"])
    min_silence_s = settings["min-silence-s"]

    audio = decode_audio(Path(path), max_duration_s=settings["max-duration-s"])
    speech = speech_regions(audio.samples, min_silence_s=min_silence_s)
    silences = measure_silences(audio.samples, min_silence_s=min_silence_s)

    use_cache = settings["cache"]

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
        with _progress_bar(audio.duration_s, quiet=settings["quiet"]) as progress:
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

    speakers = settings["speakers"] or None
    if speakers != 1 and audio.channels is not None and distinct_channels(audio.channels):
        # One speaker per channel: each channel is transcribed alone, so overlapping speech
        # stays intelligible, and the channel names the speaker.
        per_channel = [
            transcript_of(recognise(part, speech_regions(part.samples, min_silence_s=min_silence_s), f"#channel{i}"))
            for i, part in enumerate(split_channels(audio), start=1)
        ]
        if transcribed is not None:
            transcribed()
        return merge_channel_transcripts(per_channel), audio
    transcript = transcript_of(recognise(audio, speech))
    if transcribed is not None:
        transcribed()
    return diarize(transcript, audio, speakers), audio


def audio_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[audio]`` table: ``settings`` checked by :func:`analyzer.config.validate_settings`, over the defaults
    (a :class:`ConfigError` names an unknown key or a bad value)."""
    defaults = {option.name: option.default for option in setting_options()["audio"]}
    return defaults | validate_settings("audio", dict(settings))


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
