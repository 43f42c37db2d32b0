"""Vocal liveliness of one answer, from the session audio (audio input only).

Measures, over the answer's time range: pitch range and variability in semitones (Praat's
autocorrelation pitch tracker through ``praat-parselmouth``), loudness variation of the voiced
frames (Praat intensity, dB), speaking rate (words per minute) and *monotone stretches* —
windows of several seconds whose pitch spread (10th–90th percentile) stays under about two
semitones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    import numpy as np

PITCH_FLOOR_HZ = 75.0
PITCH_CEILING_HZ = 500.0
FRAME_S = 0.01
MIN_VOICED_S = 1.0
"""Less voiced speech than this gives no voice measurement."""
WINDOW_HOP_S = 0.5
WINDOW_MIN_VOICED = 0.3
"""A monotone window must be at least this share voiced (silence is not monotone speech)."""

# Liveliness: each measure mapped linearly from "flat" (0) to "lively" (1), then weighted.
PITCH_SPREAD_ST = (2.0, 7.0)
LOUDNESS_SD_DB = (4.0, 8.0)
RATE_WPM = (110.0, 170.0)
WEIGHTS = {"pitch": 0.6, "loudness": 0.2, "rate": 0.2}


@dataclass(frozen=True)
class MonotoneStretch:
    """Seconds from the start of the recording, and the pitch spread (semitones) inside."""

    start_s: float
    end_s: float
    spread_st: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class VoiceFeatures:
    duration_s: float
    voiced_s: float
    pitch_median_hz: float
    pitch_spread_st: float
    """10th–90th percentile range of the pitch, in semitones."""
    pitch_sd_st: float
    loudness_sd_db: float
    speaking_rate_wpm: float | None
    monotone: tuple[MonotoneStretch, ...]

    @property
    def parts(self) -> dict[str, float]:
        """Each measure scaled to 0 (flat) .. 1 (lively)."""
        out = {
            "pitch": _scale(self.pitch_spread_st, PITCH_SPREAD_ST),
            "loudness": _scale(self.loudness_sd_db, LOUDNESS_SD_DB),
        }
        if self.speaking_rate_wpm is not None:
            out["rate"] = _scale(self.speaking_rate_wpm, RATE_WPM)
        return out

    @property
    def liveliness(self) -> float:
        parts = self.parts
        return sum(WEIGHTS[k] * v for k, v in parts.items()) / sum(WEIGHTS[k] for k in parts)

    @property
    def monotone_s(self) -> float:
        return float(sum(m.duration_s for m in self.monotone))

    @property
    def monotone_share(self) -> float:
        return min(1.0, self.monotone_s / self.duration_s) if self.duration_s > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "pitch_spread_semitones": round(self.pitch_spread_st, 2),
            "pitch_sd_semitones": round(self.pitch_sd_st, 2),
            "pitch_median_hz": round(self.pitch_median_hz, 1),
            "loudness_sd_db": round(self.loudness_sd_db, 2),
            "speaking_rate_wpm": None if self.speaking_rate_wpm is None else round(self.speaking_rate_wpm, 1),
            "voiced_s": round(self.voiced_s, 2),
            "monotone_s": round(self.monotone_s, 2),
            "monotone_share": round(self.monotone_share, 3),
        }


def _scale(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _spread(semitones: "np.ndarray") -> float:
    import numpy as np

    p10, p90 = np.percentile(semitones, [10, 90])
    return float(p90 - p10)


def analyse_voice(
    samples: "np.ndarray",
    sample_rate: int,
    start_s: float,
    end_s: float,
    *,
    words: int | None = None,
    monotone_semitones: float = 2.0,
    monotone_seconds: float = 4.0,
    exclude: Sequence[tuple[float, float]] = (),
) -> VoiceFeatures | None:
    """Voice measures of ``samples[start_s:end_s]``; ``None`` when there is too little voiced speech.

    ``words`` (the answer's word count) gives the speaking rate over the whole range; pitch
    frames inside ``exclude`` (other speakers' interjections, in seconds) are left out.
    """
    import numpy as np
    import parselmouth

    lo = max(0, int(round(start_s * sample_rate)))
    hi = min(len(samples), int(round(end_s * sample_rate)))
    if hi - lo < int(MIN_VOICED_S * sample_rate):
        return None
    sound = parselmouth.Sound(np.asarray(samples[lo:hi], dtype=np.float64), sampling_frequency=sample_rate)
    pitch = sound.to_pitch(time_step=FRAME_S, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ)
    f0 = pitch.selected_array["frequency"]
    times = pitch.xs() + lo / sample_rate
    voiced = f0 > 0
    for ex_start, ex_end in exclude:
        voiced &= (times < ex_start) | (times > ex_end)
    if voiced.sum() * FRAME_S < MIN_VOICED_S:
        return None
    median = float(np.median(f0[voiced]))
    semitones = 12.0 * np.log2(f0[voiced] / median)
    voiced_times = times[voiced]

    intensity = sound.to_intensity(minimum_pitch=PITCH_FLOOR_HZ, time_step=FRAME_S)
    loudness = np.interp(voiced_times, intensity.xs() + lo / sample_rate, intensity.values[0])

    duration = (hi - lo) / sample_rate
    rate = 60.0 * words / duration if words else None
    return VoiceFeatures(
        duration_s=duration,
        voiced_s=float(voiced.sum() * FRAME_S),
        pitch_median_hz=median,
        pitch_spread_st=_spread(semitones),
        pitch_sd_st=float(semitones.std()),
        loudness_sd_db=float(loudness.std()),
        speaking_rate_wpm=rate,
        monotone=tuple(_monotone_stretches(voiced_times, semitones, lo / sample_rate, hi / sample_rate, monotone_semitones, monotone_seconds)),
    )


def _monotone_stretches(
    times: "np.ndarray",
    semitones: "np.ndarray",
    start_s: float,
    end_s: float,
    max_spread: float,
    window_s: float,
) -> list[MonotoneStretch]:
    """Windows of ``window_s`` with pitch spread under ``max_spread`` semitones, merged."""
    import numpy as np

    if end_s - start_s < window_s:
        return []
    min_frames = WINDOW_MIN_VOICED * window_s / FRAME_S
    merged: list[tuple[float, float]] = []
    starts = [*np.arange(start_s, end_s - window_s, WINDOW_HOP_S), end_s - window_s]
    for w_start in map(float, starts):
        inside = (times >= w_start) & (times < w_start + window_s)
        if inside.sum() < min_frames or _spread(semitones[inside]) >= max_spread:
            continue
        w_end = min(float(end_s), w_start + window_s)
        if merged and w_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], w_end)
        else:
            merged.append((w_start, w_end))
    out = []
    for s, e in merged:
        inside = (times >= s) & (times < e)
        out.append(MonotoneStretch(s, e, _spread(semitones[inside])))
    return out
