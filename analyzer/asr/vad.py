"""Voice activity: speech and silence measured from the audio itself (Silero VAD, shipped in faster-whisper)."""

from __future__ import annotations

import threading
import weakref

import numpy as np

from analyzer.readers.audio import SAMPLE_RATE

DEFAULT_MIN_SILENCE_S = 0.3
"""Shortest silence that splits speech, and that is recorded in ``Transcript.silences`` (``[audio] min-silence-s``)."""

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


FRAME_SAMPLES = 512
"""Silero scores one speech probability per 512 samples (32 ms at 16 kHz)."""

_last: tuple["weakref.ref[np.ndarray]", np.ndarray] | None = None
_last_lock = threading.Lock()


def speech_probabilities(samples: np.ndarray) -> np.ndarray:
    """Silero's speech probability for every 32 ms frame of ``samples``, as faster-whisper's
    ``get_speech_timestamps`` computes them. Those of the last array asked for are kept: a
    recording's speech for ASR, its measured silences, the second pass and diarization then share
    one run of the model (each stage used to run it again)."""
    global _last
    with _last_lock:
        if _last is not None and _last[0]() is samples:
            return _last[1]
    from faster_whisper.vad import get_vad_model

    padded = np.pad(samples, (0, FRAME_SAMPLES - len(samples) % FRAME_SAMPLES))
    probabilities = np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)
    with _last_lock:
        _last = (weakref.ref(samples), probabilities)
    return probabilities


def speech_regions(
    samples: np.ndarray,
    *,
    threshold: float = 0.5,
    min_silence_s: float = DEFAULT_MIN_SILENCE_S,
    min_speech_s: float = 0.1,
    pad_s: float = 0.0,
) -> list[tuple[float, float]]:
    """Speech intervals in seconds found by Silero VAD (bundled with faster-whisper): the
    speech timestamps of faster-whisper's ``get_speech_timestamps`` (no maximum speech length)
    from :func:`speech_probabilities`, so every setting asked of one recording shares one run."""
    if len(samples) == 0:
        return []
    stamps = _speech_stamps(speech_probabilities(samples), len(samples), threshold,
                            _samples(min_silence_s), _samples(min_speech_s), int(_samples(pad_s)))
    return [(start / SAMPLE_RATE, end / SAMPLE_RATE) for start, end in stamps]


def _samples(seconds: float) -> float:
    """Seconds as faster-whisper's ``VadOptions`` count them: whole milliseconds, in samples."""
    return SAMPLE_RATE * int(seconds * 1000) / 1000


def _speech_stamps(
    probabilities: np.ndarray, length: int, threshold: float, min_silence: float, min_speech: float, pad: int
) -> list[list[int]]:
    """[start, end] samples of speech: faster-whisper's ``get_speech_timestamps`` (from Silero's
    own) after the model has run, for an unbounded speech length. Speech starts at a frame
    scoring ``threshold``, and ends at the first frame of a run under ``threshold - 0.15`` lasting
    ``min_silence`` samples; speech not longer than ``min_speech`` is dropped; each is padded
    by ``pad`` samples, or by half the pause to its neighbour when that is shorter."""
    loud = (probabilities >= threshold).tolist()  # compared in float32, as the library does
    quiet = (probabilities < max(threshold - 0.15, 0.01)).tolist()
    speeches: list[list[int]] = []
    start: int | None = None
    silence_from = 0
    for index, (is_loud, is_quiet) in enumerate(zip(loud, quiet)):
        position = FRAME_SAMPLES * index
        if is_loud:
            silence_from = 0
            if start is None:
                start = position
                continue
        if is_quiet and start is not None:
            silence_from = silence_from or position
            if position - silence_from >= min_silence:
                if silence_from - start > min_speech:
                    speeches.append([start, silence_from])
                start, silence_from = None, 0
    if start is not None and length - start > min_speech:
        speeches.append([start, length])
    for index, speech in enumerate(speeches):
        if index == 0:
            speech[0] = max(0, speech[0] - pad)
        if index + 1 < len(speeches):
            following = speeches[index + 1]
            pause = following[0] - speech[1]
            if pause < 2 * pad:
                speech[1] += pause // 2
                following[0] = max(0, following[0] - pause // 2)
            else:
                speech[1] = min(length, speech[1] + pad)
                following[0] = max(0, following[0] - pad)
        else:
            speech[1] = min(length, speech[1] + pad)
    return speeches


def measure_silences(
    samples: np.ndarray, *, min_silence_s: float = DEFAULT_MIN_SILENCE_S, threshold: float = SILENCE_THRESHOLD
) -> list[tuple[float, float]]:
    """Silent intervals (seconds) at least ``min_silence_s`` long, from Silero VAD."""
    speech = speech_regions(samples, threshold=threshold, min_silence_s=min_silence_s)
    return silences_between(speech, len(samples) / SAMPLE_RATE, min_silence_s)


def silences_between(
    speech: list[tuple[float, float]], duration_s: float, min_silence_s: float = DEFAULT_MIN_SILENCE_S
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
