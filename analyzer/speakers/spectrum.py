"""Spectral resegmentation: each speaker's spectrum (a Gaussian mixture of MFCC frames) refines the decoded speakers."""

from __future__ import annotations

import numpy as np

from analyzer.readers.audio import SAMPLE_RATE
from analyzer.speakers.clustering import VOICE_EVIDENCE_S
from analyzer.speakers.decoding import decode_speakers
from analyzer.speakers.embeddings import Stretch

SPECTRUM_ITERATIONS = 10
"""Rounds of spectral resegmentation (:func:`resegment_by_spectrum`) at most; it stops when the
labels settle."""
SPECTRUM_COMPONENTS = 32
"""Diagonal Gaussians in each speaker's mixture of MFCC frames."""
SPECTRUM_WEIGHT = 2.0
"""Weight of the spectral evidence next to the voice score. The three were chosen on the 77 dev
recordings (docs/benchmarks.md); mean DER of the near-identical pair, 24 / 8 / 4 recordings:
1.77 / 5.35 / 3.61% without the resegmentation, 1.22 / 2.08 / 2.10% with it; other pairs
2.05 / 1.94 / 3.18% -> 1.93 / 1.94 / 2.56%; one voice unchanged. 8 components: 4.38 / 8.78 / 3.67%;
16: 1.71 / 3.79 / 2.10%; 64: 1.40 / 2.98 / 2.81%; weight 1 (16 components): 1.65 / 4.69 / 2.81%."""
SPECTRUM_COEFFICIENTS = 19
SPECTRUM_FRAMES_PER_S = 100
SPECTRUM_MIN_FRAMES_PER_COMPONENT = 10
"""A speaker needs this many 10 ms frames per Gaussian, or the resegmentation stops."""


def spectral_frames(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """MFCCs 1-19 (c0, the loudness, left out) of 25 ms frames every 10 ms: shape (frames, 19)."""
    import librosa

    hop = sample_rate // SPECTRUM_FRAMES_PER_S
    mfcc = librosa.feature.mfcc(
        y=samples, sr=sample_rate, n_mfcc=SPECTRUM_COEFFICIENTS + 1,
        n_fft=int(0.025 * sample_rate), hop_length=hop, n_mels=40,
    )
    return np.ascontiguousarray(mfcc[1:].T)


def spectrum_scores(
    frames: np.ndarray, spans: list[tuple[int, int]], pieces: list[Stretch], labels: list[int], speakers: int
) -> np.ndarray | None:
    """Per piece and speaker, evidence from a Gaussian mixture of each speaker's MFCC frames.

    ``frames`` are normalised MFCC frames and ``spans`` each piece's frames in them. Each
    speaker's mixture (``SPECTRUM_COMPONENTS`` diagonal Gaussians) is fitted on the frames of
    the pieces now labelled with that speaker; a piece scores its mean frame log-likelihood under
    each, less the best, weighted like the voice score (``VOICE_EVIDENCE_S``) and by
    ``SPECTRUM_WEIGHT``. None when a speaker has too few frames.
    """
    from sklearn.mixture import GaussianMixture

    mixtures = []
    for speaker in range(speakers):
        mine = [np.arange(a, b) for (a, b), label in zip(spans, labels) if label == speaker]
        own = frames[np.concatenate(mine)] if mine else frames[:0]
        if len(own) < SPECTRUM_MIN_FRAMES_PER_COMPONENT * SPECTRUM_COMPONENTS:
            return None
        mixture = GaussianMixture(SPECTRUM_COMPONENTS, covariance_type="diag", reg_covar=1e-3, random_state=0)
        mixtures.append(mixture.fit(own))
    frame_scores = np.column_stack([mixture.score_samples(frames) for mixture in mixtures])
    scores = np.zeros((len(pieces), speakers))
    for i, ((a, b), piece) in enumerate(zip(spans, pieces)):
        if b > a:
            mean = frame_scores[a:b].mean(axis=0)
            scores[i] = SPECTRUM_WEIGHT * max(1.0, piece.duration / VOICE_EVIDENCE_S) * (mean - mean.max())
    return scores


def resegment_by_spectrum(
    samples: np.ndarray, pieces: list[Stretch], voice: np.ndarray, cues: list[float], labels: list[int]
) -> list[int]:
    """Refine the decoded speakers with each speaker's spectrum, the classic resegmentation step
    of diarization: fit a Gaussian mixture of MFCC frames per speaker on the current labels, add
    its evidence to the voice scores and decode again, until the labels settle (at most
    ``SPECTRUM_ITERATIONS`` rounds). A mixture fitted to this recording's voices hears detail that
    resemblyzer's embedding of a 1.6 s window averages away (near-identical voices: see
    ``SPECTRUM_WEIGHT``). The MFCCs are normalised over the pieces' frames."""
    if voice.shape[1] < 2:
        return labels
    frames = spectral_frames(samples)

    def frame_span(piece: Stretch) -> tuple[int, int]:
        first = int(piece.start * SPECTRUM_FRAMES_PER_S)
        return min(first, len(frames)), min(max(first + 1, int(piece.end * SPECTRUM_FRAMES_PER_S)), len(frames))

    spans = [frame_span(piece) for piece in pieces]
    speech = np.concatenate([np.arange(a, b) for a, b in spans])
    if len(speech) == 0:
        return labels
    frames = (frames - frames[speech].mean(axis=0)) / (frames[speech].std(axis=0) + 1e-6)
    for _ in range(SPECTRUM_ITERATIONS):
        spectrum = spectrum_scores(frames, spans, pieces, labels, voice.shape[1])
        if spectrum is None:
            break
        refined = decode_speakers(voice + spectrum, cues)
        if refined == labels:
            break
        labels = refined
    return labels
