"""Technical quality of a recording, measured with numpy on the decoded samples (16 kHz mono float32).

Frame levels (RMS in dBFS over 20 ms frames) give the speech level (95th percentile of the frames
with sound), the noise floor (10th percentile) and their difference, the signal-to-noise estimate.
Clipping is samples at full scale; a dropout is a stretch of digital silence that starts and ends
abruptly inside speech (the frames either side at speech level), unlike a pause, which fades.
Each finding comes with the stretches of the recording where it happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

FRAME_S = 0.02
SILENT_DBFS = -90.0
"""Frames quieter than this are digital silence: left out of the noise floor."""


@dataclass(frozen=True)
class Stretch:
    start_s: float
    end_s: float
    value: float
    """What was measured there (clipped share, level in dBFS, noise floor, length of a dropout)."""


@dataclass
class AudioQuality:
    speech_level_dbfs: float
    noise_floor_dbfs: float
    snr_db: float
    clipped_share: float
    clipped: list[Stretch] = field(default_factory=list)
    quiet: list[Stretch] = field(default_factory=list)
    noisy: list[Stretch] = field(default_factory=list)
    dropouts: list[Stretch] = field(default_factory=list)
    speaker_levels_dbfs: dict[str, float] = field(default_factory=dict)

    @property
    def speaker_gap_db(self) -> float | None:
        levels = list(self.speaker_levels_dbfs.values())
        return round(max(levels) - min(levels), 1) if len(levels) >= 2 else None


def frame_levels(samples: np.ndarray, sample_rate: int, frame_s: float = FRAME_S) -> np.ndarray:
    """RMS level of each frame in dBFS."""
    n = int(sample_rate * frame_s)
    usable = len(samples) // n * n
    if usable == 0:
        return np.zeros(0)
    frames = samples[:usable].astype(np.float64).reshape(-1, n)
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10))


def _stretches(mask: np.ndarray, values: np.ndarray, frame_s: float, min_s: float, gap_s: float = 0.5,
               reduce=np.max) -> list[Stretch]:
    """Runs of True frames (joined across gaps shorter than ``gap_s``) lasting at least ``min_s``."""
    out: list[Stretch] = []
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    gap = max(1, int(round(gap_s / frame_s)))
    start = prev = int(idx[0])
    for i in [*idx[1:].tolist(), None]:
        if i is not None and i - prev <= gap:
            prev = i
            continue
        if (prev + 1 - start) * frame_s >= min_s:
            out.append(Stretch(round(start * frame_s, 2), round((prev + 1) * frame_s, 2),
                               round(float(reduce(values[start:prev + 1])), 4)))
        if i is not None:
            start = prev = i
    return out


def _dropouts(samples: np.ndarray, sample_rate: int, floor_dbfs: float, speech_dbfs: float, *, near_db: float,
              min_s: float, max_s: float) -> list[Stretch]:
    """Digital silences of ``min_s`` to ``max_s`` in a recording that otherwise has a noise floor, cut out of
    speech: the 10 ms on one side or the other within ``near_db`` of the speech level (a pause fades out
    first; a dropout drops from speech to nothing). None when the floor itself is near silence."""
    if floor_dbfs < SILENT_DBFS + 15:
        return []
    step = int(sample_rate * 0.005)
    levels = frame_levels(samples, sample_rate, 0.005)
    silent = levels < SILENT_DBFS
    out = []
    i = 0
    while i < len(silent):
        if not silent[i]:
            i += 1
            continue
        j = i
        while j < len(silent) and silent[j]:
            j += 1
        length = (j - i) * step / sample_rate
        before, after = levels[max(0, i - 2):i], levels[j:j + 2]
        sound = speech_dbfs - near_db
        if min_s <= length <= max_s and max([*before.tolist(), *after.tolist(), SILENT_DBFS]) >= sound:
            out.append(Stretch(round(i * 0.005, 3), round(j * 0.005, 3), round(length, 3)))
        i = j
    return out


def measure(samples: np.ndarray, sample_rate: int, *, clip_level: float = 0.98, min_level_dbfs: float = -40.0,
            min_snr_db: float = 15.0, dropout_near_db: float = 12.0, dropout_min_s: float = 0.03,
            dropout_max_s: float = 0.6, turns: Sequence[tuple[str, float, float]] = ()) -> AudioQuality:
    """Measure a recording; ``turns`` are (speaker, start_s, end_s) for the level per speaker."""
    x = np.asarray(samples, dtype=np.float32)
    levels = frame_levels(x, sample_rate)
    sounding = levels[levels > SILENT_DBFS]
    if sounding.size == 0:
        return AudioQuality(SILENT_DBFS, SILENT_DBFS, 0.0, 0.0)
    speech = float(np.percentile(sounding, 95))
    floor = float(np.percentile(sounding, 10))
    n = int(sample_rate * FRAME_S)
    usable = len(levels) * n
    clipped_frames = (np.abs(x[:usable]).reshape(-1, n) >= clip_level).mean(axis=1)
    clipped_share = float((np.abs(x) >= clip_level).mean())
    # each second's quietest frames (its noise) and loudest one, against the session's speech level
    per_second = int(round(1 / FRAME_S))
    seconds = [levels[k:k + per_second] for k in range(0, len(levels) - per_second + 1, per_second)]
    local_floor = np.array([np.percentile(sec, 10) for sec in seconds])
    local_loud = np.array([sec.max() for sec in seconds])
    quality = AudioQuality(round(speech, 1), round(floor, 1), round(speech - floor, 1), round(clipped_share, 5))
    quality.clipped = _stretches(clipped_frames >= 0.01, clipped_frames, FRAME_S, min_s=0.02)
    if speech < min_level_dbfs:
        quality.quiet = _stretches(local_loud > SILENT_DBFS, local_loud, 1.0, min_s=1.0, gap_s=2.0)
    if speech - floor < min_snr_db:
        quality.noisy = _stretches((speech - local_floor < min_snr_db) & (local_floor > SILENT_DBFS), local_floor,
                                   1.0, min_s=1.0, gap_s=2.0, reduce=np.median)
    quality.dropouts = _dropouts(x, sample_rate, floor, speech, near_db=dropout_near_db,
                                 min_s=dropout_min_s, max_s=dropout_max_s)
    by_speaker: dict[str, list[np.ndarray]] = {}
    for speaker, start, end in turns:
        part = levels[int(start / FRAME_S):int(end / FRAME_S)]
        part = part[part > floor + 10]  # sound above the noise: the speaker's voice
        if part.size:
            by_speaker.setdefault(speaker, []).append(part)
    quality.speaker_levels_dbfs = {s: round(float(np.median(np.concatenate(p))), 1) for s, p in by_speaker.items()
                                   if sum(len(v) for v in p) * FRAME_S >= 2.0}
    return quality
