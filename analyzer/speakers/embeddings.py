"""Voice embeddings of pause-delimited stretches of speech (resemblyzer's pretrained encoder, run in
ONNX Runtime: :mod:`analyzer.speakers.voice_encoder`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.datamodel import Word
from analyzer.readers.audio import SAMPLE_RATE
from analyzer.speakers.voice_encoder import FRAMES_PER_S, TARGET_DBFS, WINDOW_FRAMES, load_voice_encoder, mel_frames

WINDOW_STEP_S = 0.25
"""Step between resemblyzer's 1.6 s partial windows inside a stretch."""
ENCODER_BATCH = 128
"""Windows per encoder call: about 25 MB of LSTM activations."""
MAX_WORD_S = 2.0
"""A word timed longer than this is mis-timed; it does not stretch its speech region."""


@dataclass(frozen=True)
class Stretch:
    """Pause-delimited speech of (presumably) one speaker, and the words spoken in it."""

    start: float
    end: float
    word_indices: tuple[int, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start


def stretches_for_regions(words: list[Word], regions: list[tuple[float, float]]) -> list[Stretch]:
    """One stretch per speech region, holding the words that overlap it most (the nearest
    region for a word in none). Words without timings join no stretch; they take a
    neighbour's speaker later. Regions without recognised words are kept: they still show
    who spoke when (Whisper drops many one-word back-channels). A stretch grows to cover its
    words, except words longer than ``MAX_WORD_S``: Whisper sometimes stretches a word over many
    seconds of other speech."""
    members: list[list[int]] = [[] for _ in regions]
    for index, word in enumerate(words):
        if word.start is None or word.end is None or not regions:
            continue
        overlaps = [min(word.end, e) - max(word.start, s) for s, e in regions]
        best = int(np.argmax(overlaps))
        if overlaps[best] <= 0:
            middle = (word.start + word.end) / 2
            best = int(np.argmin([min(abs(middle - s), abs(middle - e)) for s, e in regions]))
        members[best].append(index)
    stretches = []
    for (start, end), indices in zip(regions, members):
        timed = [words[i] for i in indices if words[i].end - words[i].start <= MAX_WORD_S]  # type: ignore[operator]
        if timed:
            start = min(start, min(w.start for w in timed))  # type: ignore[type-var]
            end = max(end, max(w.end for w in timed))  # type: ignore[type-var]
        stretches.append(Stretch(start, end, tuple(indices)))
    return stretches


@dataclass
class StretchVoices:
    """Voice embeddings of one stretch: overlapping 1.6 s windows and their mean."""

    embedding: np.ndarray
    partials: np.ndarray
    centres: np.ndarray
    """Time (s) at the middle of each partial window."""


def embed_stretches(samples: np.ndarray, stretches: list[Stretch], sample_rate: int = SAMPLE_RATE) -> list[StretchVoices]:
    """Voice embeddings per stretch from resemblyzer's encoder.

    The mel spectrogram is computed once for the whole recording; each stretch is cut into
    1.6 s windows every ``WINDOW_STEP_S`` (a shorter stretch is repeated up to one window),
    levelled to resemblyzer's -30 dBFS, and the windows go through the encoder in batches of
    ``ENCODER_BATCH`` (memory stays bounded on long recordings).
    """
    encoder = load_voice_encoder()
    step = int(WINDOW_STEP_S * FRAMES_PER_S)
    mel = mel_frames(samples)
    windows: list[np.ndarray] = []
    owners: list[int] = []
    centres: list[float] = []
    for index, stretch in enumerate(stretches):
        a = int(stretch.start * sample_rate)
        b = max(a + 1, int(stretch.end * sample_rate))
        rms = float(np.sqrt(np.mean(samples[a:b] ** 2)) + 1e-9)
        gain = (10 ** (TARGET_DBFS / 20) / rms) ** 2  # mel frames hold power
        first = min(int(stretch.start * FRAMES_PER_S), len(mel) - 1)
        frames = mel[first : max(first + 1, int(stretch.end * FRAMES_PER_S))] * gain
        if len(frames) < WINDOW_FRAMES:
            frames = np.tile(frames, (int(np.ceil(WINDOW_FRAMES / len(frames))), 1))[:WINDOW_FRAMES]
            windows.append(frames)
            owners.append(index)
            centres.append((stretch.start + stretch.end) / 2)
            continue
        for offset in range(0, len(frames) - WINDOW_FRAMES + 1, step):
            windows.append(frames[offset : offset + WINDOW_FRAMES])
            owners.append(index)
            centres.append(stretch.start + (offset + WINDOW_FRAMES / 2) / FRAMES_PER_S)
    partials = np.vstack([encoder(np.stack(windows[i : i + ENCODER_BATCH])) for i in range(0, len(windows), ENCODER_BATCH)])
    owner = np.array(owners)
    centre = np.array(centres)
    voices = []
    for index in range(len(stretches)):
        mine = partials[owner == index]
        voices.append(StretchVoices(normalise(mine.mean(axis=0, keepdims=True))[0], mine, centre[owner == index]))
    return voices


def normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
