"""The employer-negativity classifier (``models/negativity.joblib``) and the units it flags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.detectors.negativity.features import dense_features, mentions_target, normalised_tokens
from analyzer.text.clauses import units_of
from analyzer.text.questions import question_about_job

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

MODEL_FILE = "negativity.joblib"
MODEL_FORMAT = 1


@dataclass(frozen=True)
class ScoredUnit:
    """One scored unit with character offsets into the answer text."""

    start: int
    end: int
    text: str
    kind: str
    probability: float


@dataclass
class NegativityModel:
    """The fitted vectorisers and classifier (what ``models/negativity.joblib`` holds)."""

    tfidf: Any
    features: Any
    classifier: Any

    def probabilities(self, spans: Sequence["SpacySpan"], job_context: Sequence[bool]) -> list[float]:
        if not spans:
            return []
        matrix = self._matrix(spans, job_context)
        return [float(p) for p in self.classifier.predict_proba(matrix)[:, 1]]

    def _matrix(self, spans: Sequence["SpacySpan"], job_context: Sequence[bool]) -> Any:
        from scipy.sparse import hstack

        texts = [normalised_tokens(s) for s in spans]
        dense = [dense_features(s, c) for s, c in zip(spans, job_context)]
        return hstack([self.tfidf.transform(texts), self.features.transform(dense)]).tocsr()

    def score_answer(self, doc: "Doc", question: str | None) -> list[ScoredUnit]:
        """Every unit of the answer with its probability of being employer negativity."""
        context = question_about_job(question) or mentions_target(doc)
        units = units_of(doc)
        spans = [doc[u.start : u.end] for u in units]
        probs = self.probabilities(spans, [context] * len(spans))
        return [
            ScoredUnit(s.start_char, s.end_char, s.text, u.kind, p) for u, s, p in zip(units, spans, probs)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "tfidf": self.tfidf, "features": self.features, "classifier": self.classifier}


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
    return NegativityModel(data["tfidf"], data["features"], data["classifier"])
