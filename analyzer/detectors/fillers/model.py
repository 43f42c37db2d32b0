"""The context model for discourse fillers, and filler detection in a parsed answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from analyzer.datamodel import Annotation, Word
from analyzer.detectors.fillers.context import candidate_features, lexical_use
from analyzer.detectors.fillers.lexicon import Candidate, filler_list, find_candidates
from analyzer.text.tokens import count_words

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc

MODEL_FILE = "fillers.joblib"
PAUSE_BOUNDARY_S = 0.25
"""A measured silence at least this long right next to a word counts as a comma there."""
_PAUSE_SLACK_S = 0.12


@dataclass(frozen=True)
class ContextModel:
    """The trained model for discourse fillers, with its decision threshold.

    Two classifiers vote with equal weight (:func:`combine`): gradient boosting over the parse
    features of :func:`candidate_features`, and a logistic regression (``head``) over the
    contextual vector of the occurrence from layer ``layer`` of the bundled ``encoder``
    (:func:`analyzer.text.encoder.load_context_encoder`) and the word itself. A model without a head
    (the format before the encoder) decides by the parse features alone.
    """

    pipeline: Any
    head: Any | None
    layer: int
    threshold: float
    words: tuple[str, ...]
    encoder: str = "all-MiniLM-L6-v2"

    @classmethod
    def from_bundle(cls, bundle: Mapping[str, Any]) -> "ContextModel":
        """The model saved by ``scripts/train_fillers.py`` (a dict in a joblib file)."""
        return cls(bundle["pipeline"], bundle.get("head"), int(bundle.get("layer", 0)), float(bundle["threshold"]),
                   tuple(bundle["words"]), bundle.get("encoder", cls.encoder))

    def probabilities(self, doc: "Doc", candidates: Sequence[Candidate], features: Sequence[dict[str, float]]) -> list[float]:
        if not candidates:
            return []
        with _thread_control().limit(limits=1, user_api="openmp"):
            probabilities = self.pipeline.predict_proba(list(features))[:, 1]
        if self.head is not None:
            from analyzer.text.encoder import load_context_encoder

            encoder = load_context_encoder(self.encoder, self.layer)
            vectors = encoder.span_vectors(doc.text, [(c.start, c.end) for c in candidates], self.layer)
            inputs = head_inputs(vectors, [c.word for c in candidates], self.words)
            probabilities = combine(probabilities, self.head.predict_proba(inputs)[:, 1])
        return [float(p) for p in probabilities]


def head_inputs(vectors: "np.ndarray", words: Sequence[str], vocabulary: Sequence[str]) -> "np.ndarray":
    """The logistic head's input: an occurrence's encoder vector and a one-hot of its word."""
    import numpy as np

    one_hot = np.array([[w == v for v in vocabulary] for w in words], dtype=np.float32).reshape(len(words), len(vocabulary))
    return np.hstack([vectors, one_hot])


def combine(by_features: "np.ndarray", by_vectors: "np.ndarray") -> "np.ndarray":
    """The filler probability: the mean of the two classifiers' probabilities."""
    return (by_features + by_vectors) / 2


@lru_cache(maxsize=1)
def _thread_control() -> Any:
    """The process's thread pools (found once, after the model loaded scikit-learn's OpenMP). Gradient boosting
    predicts on one thread: on a few rows OpenMP's thread team costs more than the work, 30x more when the cores
    are busy (0.25 s against 0.009 s of wall per answer at load 13, ``scripts/bench_fillers.py``)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@lru_cache(maxsize=1)
def load_model() -> ContextModel:
    """The bundled context model (``models/fillers.joblib``)."""
    import joblib

    from analyzer.resources import model_file

    return ContextModel.from_bundle(joblib.load(model_file(MODEL_FILE)))


def _pause_flags(
    cand: Candidate, words: Sequence[Word], silences: Sequence[tuple[float, float]]
) -> tuple[bool, bool, float | None, float | None]:
    """Measured pauses right before/after the candidate, and its times, from word timings."""
    timed = [
        w for w in words
        if w.start is not None and w.end is not None and w.start_char is not None and w.end_char is not None
        and w.start_char < cand.end and w.end_char > cand.start
    ]
    if not timed:
        return False, False, None, None
    start_s, end_s = min(w.start for w in timed), max(w.end for w in timed)  # type: ignore[type-var]
    long = [(s, e) for s, e in silences if e - s >= PAUSE_BOUNDARY_S]
    before = any(abs(e - start_s) <= _PAUSE_SLACK_S for s, e in long)
    after = any(abs(s - end_s) <= _PAUSE_SLACK_S for s, e in long)
    return before, after, start_s, end_s


def detect_fillers(
    doc: "Doc",
    settings: Mapping[str, Any] | None = None,
    *,
    words: Sequence[Word] = (),
    silences: Sequence[tuple[float, float]] = (),
    model: ContextModel | None = None,
) -> list[Annotation]:
    """Fillers in a parsed text, as ``filler`` annotations with exact character spans.

    ``words`` (with ``start_char``/``end_char`` into ``doc.text``) and measured ``silences``
    give each filler its times and let pauses stand in for commas the text lacks.
    """
    model = model or load_model()
    fillers = filler_list(settings, model.words)
    candidates = find_candidates(doc.text, fillers)
    timing = [_pause_flags(c, words, silences) for c in candidates]
    contextual = [i for i, c in enumerate(candidates) if c.kind == "discourse"]
    probs = dict(
        zip(
            contextual,
            model.probabilities(
                doc,
                [candidates[i] for i in contextual],
                [candidate_features(doc, candidates[i], timing[i][0], timing[i][1]) for i in contextual],
            ),
        )
    )
    out: list[Annotation] = []
    for i, cand in enumerate(candidates):
        detail: dict[str, Any] = {"word": cand.word, "type": cand.kind}
        if i in probs:
            if probs[i] < model.threshold or lexical_use(doc, cand):
                continue
            detail["probability"] = round(probs[i], 3)
        out.append(
            Annotation(
                kind="filler",
                start=cand.start,
                end=cand.end,
                text=cand.text,
                start_s=timing[i][2],
                end_s=timing[i][3],
                detail=detail,
            )
        )
    return out


@dataclass(frozen=True)
class FillerDensity:
    """How many fillers an answer has, for its length in words and (when timed) minutes."""

    count: int
    words: int
    per_100_words: float
    per_minute: float | None


def filler_density(fillers: Sequence[Annotation], text: str, duration_s: float | None) -> FillerDensity:
    """Fillers per 100 words, and per minute of the answer when its duration is known."""
    words = count_words(text)
    per_minute = len(fillers) * 60.0 / duration_s if duration_s else None
    return FillerDensity(len(fillers), words, 100.0 * len(fillers) / words if words else 0.0, per_minute)
