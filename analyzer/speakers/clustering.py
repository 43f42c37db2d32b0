"""Speakers from voice embeddings: k-means clusters, a window classifier, and pieces cut where the voice changes."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.datamodel import Word
from analyzer.speakers.embeddings import Stretch, StretchVoices, normalise

log = logging.getLogger("analyzer")

MAX_SPEAKERS = 4
RELIABLE_S = 1.0
"""Stretches at least this long define the speaker clusters; shorter ones are only assigned."""
MIN_SILHOUETTE = 0.2
"""A split into two speakers needs this silhouette score (cosine, centred embeddings)..."""
EXTRA_SPEAKER_SILHOUETTE = 0.1
"""...and each further speaker this much more; otherwise everything is one speaker."""
MIN_STRETCHES_TO_SPLIT = 6
"""With fewer reliable stretches the number of speakers is not estimated: one speaker."""
STRUCTURE_SILHOUETTE = 0.1
"""Below this two-speaker silhouette one voice is clearly the only one, whatever the conversation's
structure says; from it up to ``MIN_SILHOUETTE``, questions answered by the other cluster decide for two."""
KMEANS_RESTARTS = 100
"""k-means starts per number of speakers; the best (least inertia) wins. k-means replaced
average-linkage clustering, which one outlying stretch could tip: on the 77 dev recordings
(docs/benchmarks.md) the near-identical pair's mean DER went from 2.13% to 1.77% (24 recordings),
6.82% to 5.35% (8) and 4.99% to 3.61% (4); other pairs and one voice unchanged. With 20 starts
one dev recording depended on the random seed (11.3% or 21.3%); with 100 it did not."""
MIN_RUN_WINDOWS = 3
"""Consecutive windows of another voice needed to re-split a stretch (resegmentation)."""
CHANGE_SEARCH_S = 1.0
"""How far from the change the window embeddings suggest a turn boundary is looked for."""
SENTENCE_END_BONUS_S = 0.5
"""A boundary after a sentence end counts like this much extra pause."""
CLASSIFIER_C = 0.01
"""Inverse regularisation of the resegmentation classifier (few windows, 256 dimensions)."""
VOICE_EVIDENCE_S = 1.6
"""A piece's voice score is its mean window log-probability times its length in units of this
(at least 1): resemblyzer's window length, since overlapping windows are not independent.
On the 51 dev recordings (see the bonuses below), hard-pair mean DER: 2.13%; 0.8 s 2.28%; 3.2 s
2.59%; weight 1 for every piece 2.59%."""


@dataclass
class SpeakerModel:
    """Speaker centroids in the embedding space centred on the mean of the reliable stretches,
    and once fitted, a classifier of window embeddings that refines them."""

    mean: np.ndarray
    centroids: np.ndarray
    classifier: Any = None

    def similarities(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine similarity of each embedding to each centroid: shape (n, speakers)."""
        return normalise(np.atleast_2d(embeddings) - self.mean) @ self.centroids.T

    def window_scores(self, partials: np.ndarray) -> np.ndarray:
        """Per window, a score for each speaker (log-probabilities once the classifier is fitted)."""
        if self.classifier is None:
            return self.similarities(partials)
        return self.classifier.predict_log_proba(partials)

    def speaker_of(self, voices: StretchVoices) -> int:
        """The speaker of a whole stretch: best mean score over its windows."""
        return int(np.argmax(self.window_scores(voices.partials).mean(axis=0)))

    def fit_classifier(self, voices: list[StretchVoices], reliable: np.ndarray) -> None:
        """Resegmentation: train a linear classifier on the window embeddings of the reliable
        stretches, labelled by their nearest centroid. It learns which directions tell these
        particular voices apart, which plain cosine similarity weighs no more than any other."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        chosen = [v for v, keep in zip(voices, reliable) if keep]
        labels = np.concatenate([np.full(len(v.partials), np.argmax(self.similarities(v.embedding))) for v in chosen])
        if len(set(labels.tolist())) != len(self.centroids):
            return  # a speaker without reliable stretches: keep the centroids
        classifier = make_pipeline(StandardScaler(), LogisticRegression(C=CLASSIFIER_C, max_iter=1000))
        self.classifier = classifier.fit(np.vstack([v.partials for v in chosen]), labels)


def fit_speakers(
    embeddings: np.ndarray,
    durations: np.ndarray,
    num_speakers: int | None = None,
    questions_answered: Callable[["SpeakerModel"], bool] | None = None,
) -> SpeakerModel | None:
    """Speaker centroids from the stretch embeddings, or None for a single speaker.

    Clusters are found among the reliable (long) stretches only, in embeddings centred on
    their mean so that what all voices share drops out, by k-means on the unit sphere (best of
    ``KMEANS_RESTARTS`` starts). With no forced number, the split
    whose silhouette score passes its bar by most wins: ``MIN_SILHOUETTE`` for two speakers,
    ``EXTRA_SPEAKER_SILHOUETTE`` more for each further one. Failing that, the conversation
    decides: the two-way split is kept if its silhouette is at least ``STRUCTURE_SILHOUETTE`` and
    ``questions_answered(model)`` (an interview's questions are answered by the other voice).
    Otherwise one speaker, and so with too little speech to tell (under ``MIN_STRETCHES_TO_SPLIT``
    reliable stretches).
    """
    reliable = durations >= RELIABLE_S
    if reliable.sum() < 3:
        reliable = np.ones(len(embeddings), dtype=bool)
    if reliable.sum() < 2 or num_speakers == 1:
        return None
    points = embeddings[reliable]
    if num_speakers is not None:
        return _model(points, _kmeans(_centred(points), min(num_speakers, len(points))))
    if len(points) >= MIN_STRETCHES_TO_SPLIT:
        best_margin, best, two = 0.0, None, None
        for k in range(2, min(MAX_SPEAKERS, len(points) - 1) + 1):
            clusters = _kmeans(_centred(points), k)
            if len(set(clusters.tolist())) < k:
                break  # fewer distinct voices than k (repeated audio): no larger k either
            score = _silhouette(points, clusters)
            two = (clusters, score) if k == 2 else two
            log.debug("diarization: %d speakers, silhouette %.3f", k, score)
            margin = score - (MIN_SILHOUETTE + EXTRA_SPEAKER_SILHOUETTE * (k - 2))
            if margin > best_margin:
                best_margin, best = margin, clusters
        if best is not None:
            return _model(points, best)
        if two is not None and two[1] >= STRUCTURE_SILHOUETTE and questions_answered is not None:
            model = _model(points, two[0])
            if model is not None and questions_answered(model):
                log.debug("diarization: 2 speakers, questions answered by the other voice")
                return model
    return None


def _centred(points: np.ndarray) -> np.ndarray:
    return normalise(points - points.mean(axis=0))


def _silhouette(points: np.ndarray, clusters: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(_centred(points), clusters, metric="cosine"))


def _kmeans(points: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # fewer distinct points than k: fewer clusters, handled by the callers
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=0).fit_predict(points)


def _model(points: np.ndarray, clusters: np.ndarray) -> SpeakerModel | None:
    """Centroids of ``clusters`` in the space centred on the points' mean; None for one cluster."""
    labels = sorted(set(clusters.tolist()))
    if len(labels) == 1:
        return None
    centred = _centred(points)
    centroids = normalise(np.vstack([centred[clusters == c].mean(axis=0) for c in labels]))
    return SpeakerModel(points.mean(axis=0), centroids)


def split_at_changes(stretch: Stretch, voices: StretchVoices, model: SpeakerModel, words: list[Word]) -> list[tuple[Stretch, int]]:
    """Resegment one stretch: where its window embeddings switch speaker for at least
    ``MIN_RUN_WINDOWS`` windows, cut at the likeliest word boundary near the switch.

    Returns the pieces with their speaker index (the whole stretch when nothing switches).
    """
    whole = [(stretch, model.speaker_of(voices))]
    if len(voices.partials) < 2 * MIN_RUN_WINDOWS or len(stretch.word_indices) < 2:
        return whole
    window_labels = np.argmax(model.window_scores(voices.partials), axis=1)
    runs: list[tuple[int, int, int]] = []  # (label, first window, last window)
    for i, label in enumerate(window_labels):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], i)
        else:
            runs.append((int(label), i, i))
    runs = [r for r in runs if r[2] - r[1] + 1 >= MIN_RUN_WINDOWS]
    merged: list[tuple[int, int, int]] = []
    for run in runs:
        if merged and merged[-1][0] == run[0]:
            merged[-1] = (run[0], merged[-1][1], run[2])
        else:
            merged.append(run)
    if len(merged) < 2:
        return whole
    cuts: list[int] = []  # positions in stretch.word_indices where a new piece starts
    boundaries = [
        (words[a].end + words[b].start) / 2  # type: ignore[operator]
        for a, b in zip(stretch.word_indices, stretch.word_indices[1:])
    ]
    for before, after in zip(merged, merged[1:]):
        change = (voices.centres[before[2]] + voices.centres[after[1]]) / 2
        cut = 1 + _turn_boundary(stretch, words, boundaries, change)
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    pieces: list[tuple[Stretch, int]] = []
    edges = [0, *cuts, len(stretch.word_indices)]
    for (a, b), run in zip(zip(edges, edges[1:]), merged):
        indices = stretch.word_indices[a:b]
        start = stretch.start if a == 0 else words[indices[0]].start
        end = stretch.end if b == len(stretch.word_indices) else words[indices[-1]].end
        pieces.append((Stretch(start, end, indices), run[0]))  # type: ignore[arg-type]
    return pieces


def _turn_boundary(stretch: Stretch, words: list[Word], boundaries: list[float], change: float) -> int:
    """Index of the word boundary where the speaker most likely changes near ``change``:
    window embeddings only place a change to within about a window, so among the boundaries
    that close, prefer a sentence end and a longer gap between the words."""
    near = [i for i, t in enumerate(boundaries) if abs(t - change) <= CHANGE_SEARCH_S]
    if not near:
        return int(np.argmin([abs(t - change) for t in boundaries]))

    def score(i: int) -> float:
        before, after = words[stretch.word_indices[i]], words[stretch.word_indices[i + 1]]
        gap = max(0.0, (after.start or 0.0) - (before.end or 0.0))
        return gap + (SENTENCE_END_BONUS_S if before.text.rstrip().endswith((".", "?", "!")) else 0.0)

    return max(near, key=lambda i: (score(i), -abs(boundaries[i] - change)))


def piece_score(piece: Stretch, voices: StretchVoices, model: SpeakerModel) -> np.ndarray:
    """Voice evidence for each speaker of a piece of a stretch: the mean score of the windows
    centred inside it (all of the stretch's if none), weighted by its length (``VOICE_EVIDENCE_S``)."""
    inside = (voices.centres >= piece.start) & (voices.centres <= piece.end)
    partials = voices.partials[inside] if inside.any() else voices.partials
    return max(1.0, piece.duration / VOICE_EVIDENCE_S) * model.window_scores(partials).mean(axis=0)
