"""Voice activity: speech and silence measured from the audio itself (Silero VAD, shipped in faster-whisper)."""

from __future__ import annotations

import numpy as np

from analyzer.readers.audio import SAMPLE_RATE


def speech_regions(
    samples: np.ndarray,
    *,
    threshold: float = 0.5,
    min_silence_s: float = 0.3,
    min_speech_s: float = 0.1,
    pad_s: float = 0.0,
) -> list[tuple[float, float]]:
    """Speech intervals in seconds found by Silero VAD (bundled with faster-whisper)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(samples) == 0:
        return []
    options = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=int(min_speech_s * 1000),
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=int(pad_s * 1000),
    )
    stamps = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def measure_silences(
    samples: np.ndarray, *, min_silence_s: float = 0.3, threshold: float = 0.5
) -> list[tuple[float, float]]:
    """Silent intervals (seconds) at least ``min_silence_s`` long, from Silero VAD."""
    speech = speech_regions(samples, threshold=threshold, min_silence_s=min_silence_s)
    return silences_between(speech, len(samples) / SAMPLE_RATE, min_silence_s)


def silences_between(
    speech: list[tuple[float, float]], duration_s: float, min_silence_s: float = 0.3
) -> list[tuple[float, float]]:
    """The complement of ``speech`` over ``[0, duration_s]``: silent stretches of at least
    ``min_silence_s``, leading and trailing silence included."""
    silences: list[tuple[float, float]] = []
    cursor = 0.0
    for start, end in speech:
        if start - cursor >= min_silence_s:
            silences.append((round(cursor, 3), round(start, 3)))
        cursor = max(cursor, end)
    if duration_s - cursor >= min_silence_s:
        silences.append((round(cursor, 3), round(duration_s, 3)))
    return silences
