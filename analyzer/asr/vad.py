"""Voice activity: speech and silence measured from the audio itself (Silero VAD, shipped in faster-whisper)."""

from __future__ import annotations

import numpy as np

from analyzer.readers.audio import SAMPLE_RATE

SILENCE_THRESHOLD = 0.25
"""Silero's speech probability under which a frame counts as silent when silences are measured
(:func:`measure_silences`, ``Transcript.silences``): half its own 0.5, which finding speech to
transcribe and diarize keeps. Real far-field and telephone speech scores low, so at 0.5 quiet
speech inside a turn was measured as silence and cut out of the speech timeline; the VAD alone missed
37% of the reference speech of the real dev recordings (collar 0.5 s) and 18% of the simulated
conversations, at 0.25 29% / 13% with 1% / 0% false alarm (0.15: 13% / 6%, but 13% false alarm).
Mean DER of ``scripts/eval_real_speech.py`` (dev): real 49.6% -> 46.3%, simulated two-person
19.2% -> 14.5%. Transcribing at 0.25 as well (more quiet speech heard) did about as well on real
speech (47.0% / 13.9%) but cut the synthetic sample's clips elsewhere and changed its words."""


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
    samples: np.ndarray, *, min_silence_s: float = 0.3, threshold: float = SILENCE_THRESHOLD
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
