"""The employer-negativity classifier (``models/negativity.joblib``) and the units it flags.

Each unit (sentence or clause) of an answer becomes one row: its all-MiniLM-L6-v2 sentence vector
(the whole answer's units encoded in one batch), that vector again gated by whether the parse finds a
workplace target (employer, manager, team, colleagues, clients, the company, an unnamed "there"), and the
parse and sentiment features of :func:`~analyzer.detectors.negativity.features.dense_features`. A
logistic regression with calibrated probabilities (``CalibratedClassifierCV``) scores the row; a second
logistic regression, fitted on the badmouthing units of the training data, gives its intensity
(1 mild, 2 harsh, 3 hostile). Both are fitted by ``scripts/train_negativity.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.detectors.negativity.features import dense_features, mentions_target, workplace_context
from analyzer.text.clauses import units_of
from analyzer.text.questions import question_about_job

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

MODEL_FILE = "negativity.joblib"
MODEL_FORMAT = 2
ENCODER = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ScoredUnit:
    """One scored unit with character offsets into the answer text."""

    start: int
    end: int
    text: str
    kind: str
    probability: float
    intensity: int = 1


def unit_vectors(spans: Sequence["SpacySpan"]) -> "np.ndarray":
    """Sentence vectors of the units, one batched call of the bundled encoder."""
    import numpy as np

    from analyzer.detectors.encoder import load_encoder

    if not spans:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(load_encoder().sentence_vectors([s.text for s in spans]), dtype=np.float32)


def feature_rows(spans: Sequence["SpacySpan"], job_context: Sequence[bool]) -> list[dict[str, float]]:
    """The parse and sentiment features of each unit (``job_context``: "they" may be the employer)."""
    return [dense_features(s, c) for s, c in zip(spans, job_context)]


@dataclass
class NegativityModel:
    """The fitted feature vectoriser, calibrated classifier and intensity model (what the joblib holds)."""

    features: Any
    classifier: Any
    severity: Any

    def matrix(self, vectors: "np.ndarray", rows: Sequence[dict[str, float]]) -> "np.ndarray":
        return build_matrix(self.features.transform(list(rows)).toarray(), vectors, rows)

    def probabilities(self, vectors: "np.ndarray", rows: Sequence[dict[str, float]]) -> list[float]:
        if not len(rows):
            return []
        return [float(p) for p in self.classifier.predict_proba(self.matrix(vectors, rows))[:, 1]]

    def intensities(self, vectors: "np.ndarray", rows: Sequence[dict[str, float]]) -> list[int]:
        if not len(rows):
            return []
        return [int(i) for i in self.severity.predict(self.matrix(vectors, rows))]

    def score_answer(self, doc: "Doc", question: str | None) -> list[ScoredUnit]:
        """Every unit of the answer with its probability of being employer negativity and its intensity."""
        context = question_about_job(question) or mentions_target(doc) or workplace_context(doc)
        units = units_of(doc)
        spans = [doc[u.start : u.end] for u in units]
        vectors = unit_vectors(spans)
        rows = feature_rows(spans, [context] * len(spans))
        probs = self.probabilities(vectors, rows)
        levels = self.intensities(vectors, rows)
        return [
            ScoredUnit(s.start_char, s.end_char, s.text, u.kind, p, i)
            for u, s, p, i in zip(units, spans, probs, levels)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "encoder": ENCODER, "features": self.features,
                "classifier": self.classifier, "severity": self.severity}


WORKPLACE_GATES = ("workplace_target", "implied_target", "unnamed_workplace")


def build_matrix(dense: "np.ndarray", vectors: "np.ndarray", rows: Sequence[dict[str, float]]) -> "np.ndarray":
    """[vector, vector x workplace target found, dense features]: the gate lets the classifier tell
    negative talk about a workplace from negative talk about anything else."""
    import numpy as np

    gate = np.array([[float(any(r.get(k, 0.0) for k in WORKPLACE_GATES))] for r in rows], dtype=np.float32)
    return np.hstack([vectors, vectors * gate, dense]).astype(np.float32)


def offending_units(scored: Sequence[ScoredUnit], threshold: float) -> list[ScoredUnit]:
    """The clauses to annotate: clauses at or above the threshold, and whole sentences
    at or above it that contain no such clause. Sorted, without overlaps."""
    hits = [u for u in scored if u.probability >= threshold]
    clauses = [u for u in hits if u.kind == "clause"]
    chosen = list(clauses)
    for sent in (u for u in hits if u.kind == "sentence"):
        if not any(sent.start <= c.start and c.end <= sent.end for c in clauses):
            chosen.append(sent)
    chosen.sort(key=lambda u: (u.start, -u.end))
    out: list[ScoredUnit] = []
    for unit in chosen:
        if out and unit.start < out[-1].end:
            continue
        out.append(unit)
    return out


@lru_cache(maxsize=1)
def load_model() -> NegativityModel:
    """The bundled model (``models/negativity.joblib``), loaded once."""
    import joblib

    from analyzer.errors import ModelMissingError
    from analyzer.resources import model_file

    data = joblib.load(model_file(MODEL_FILE))
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelMissingError(f"{MODEL_FILE} has an unknown format; rebuild it with scripts/train_negativity.py")
    return NegativityModel(data["features"], data["classifier"], data["severity"])
