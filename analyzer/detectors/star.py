"""STAR tagging: label each clause of an answer (:func:`analyzer.text.clauses.segment_answer`) as
situation, task, action, result or other with the trained model in ``models/star.joblib``.

The features live here so that training (``scripts/train_star.py``, which builds the classifier)
and the ``missing-star`` check see exactly the same clauses and the same features.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from analyzer.text.clauses import Segment, is_filler, segment_answer

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline
    from spacy.tokens import Doc, Span as SpacySpan

STAR_PARTS: tuple[str, ...] = ("situation", "task", "action", "result")
LABELS: tuple[str, ...] = STAR_PARTS + ("other",)
MODEL_FILE = "star.joblib"
FEATURE_VERSION = 1

_FIRST_SINGULAR = {"i", "me", "my", "mine", "myself"}
_FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}
_HYPOTHETICAL_MODALS = {"would", "could", "should", "might", "'d", "may"}
_NUMBER_WORDS = re.compile(
    r"\b(\d[\d,.]*|percent|per cent|half|double|doubled|halved|twice|thirds?|quarters?|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion)\b",
    re.I,
)
_METRIC = re.compile(
    r"(%|£|\$|€|\b(percent|per cent|pounds|dollars|euros|hours?|days?|weeks?|months?|minutes?|seconds?|"
    r"points?|customers|users|people|orders|times)\b)",
    re.I,
)
_CUES: dict[str, re.Pattern[str]] = {
    "cue_outcome": re.compile(
        r"\b(as a result|in the end|ended up|eventually|finally|outcome|result(ed)?|which meant|so that|"
        r"saved|saving|reduced|increased|improved|went (up|down|back)|dropped|fell|rose|grew|cut|doubled|halved|"
        r"won|passed|promoted|award|thanked|praised|learn(ed|t)|taught me|since then|afterwards|later|"
        r"on time|early|under budget|ahead of|signed|renewed|succeeded|success|achieved|hit|exceeded|"
        r"adopted|still|now)\b",
        re.I,
    ),
    "cue_task": re.compile(
        r"\b(my (job|role|task|responsibility|goal|aim|target|brief)|i was (asked|tasked|assigned|responsible|"
        r"given|chosen|expected)|it was (my|on me|up to me)|(i|we) (had|needed|wanted) to|i was supposed to|"
        r"the goal|the aim|the target|needed to|had to|responsible for|in charge|objective|decided to)\b",
        re.I,
    ),
    "cue_situation": re.compile(
        r"\b(i was (working|a|an|the|in|at|on)|i worked|(at|in) (my|the|a|our) (last|previous|old|first|second)|"
        r"when i was|at the time|back (then|in)|last (year|summer|spring|autumn|winter)|there (was|were)|"
        r"we had|used to|had been|was about|kept|every (month|week|time)|company|team|startup|firm)\b",
        re.I,
    ),
    "cue_generic": re.compile(
        r"\b(i think|i guess|i'd say|always|usually|generally|in general|important|key|that's (it|about it|"
        r"pretty much)|does that answer|natural|i'm (a|very|quite|pretty|good|always|someone)|you just|"
        r"everyone|people often)\b",
        re.I,
    ),
}


@dataclass(frozen=True)
class TaggedSegment:
    """A clause with its STAR label, the model's probability for it and a few cues."""

    segment: Segment
    label: str
    confidence: float
    subject: str
    """Grammatical person of the clause's subject: ``i``, ``we``, ``other`` or ``none``."""
    has_number: bool


# --------------------------------------------------------------------------- features


def _subject_person(span: "SpacySpan") -> str:
    """Person of the first clause subject in ``span``: i, we, other or none."""
    for token in span:
        if token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
            word = token.lower_
            if word == "i":
                return "i"
            if word == "we":
                return "we"
            return "other"
    return "none"


def has_number(text: str) -> bool:
    """Whether a clause states a quantity (a number, percentage, amount or count)."""
    return bool(_NUMBER_WORDS.search(text))


def clause_cues(span: "SpacySpan") -> dict[str, float]:
    """Hand-made cues of one clause: subject person, tense, modality, numbers, cue words."""
    words = [t for t in span if not t.is_punct]
    lower = [t.lower_ for t in words]
    n = max(len(words), 1)
    text = span.text
    subject = _subject_person(span)
    past = sum(1 for t in words if "Past" in t.morph.get("Tense") and t.tag_ in ("VBD", "VBN"))
    present = sum(1 for t in words if t.tag_ in ("VBP", "VBZ"))
    future = sum(1 for t in words if t.lower_ in ("will", "'ll")) + text.lower().count("going to")
    modal = sum(1 for w in lower if w in _HYPOTHETICAL_MODALS)
    passive = sum(1 for t in words if t.dep_ in ("nsubjpass", "auxpass"))
    cues = {
        f"subject={subject}": 1.0,
        "i_words": sum(w in _FIRST_SINGULAR for w in lower) / n,
        "we_words": sum(w in _FIRST_PLURAL for w in lower) / n,
        "past": float(past > 0),
        "present": float(present > 0 and past == 0),
        "future": float(future > 0),
        "modal": float(modal > 0),
        "passive": float(passive > 0),
        "number": float(has_number(text)),
        "metric": float(bool(_METRIC.search(text)) and has_number(text)),
        "fillers": sum(1 for t in words if is_filler(t)) / n,
        "log_words": math.log1p(len(words)),
    }
    for name, pattern in _CUES.items():
        cues[name] = float(bool(pattern.search(text)))
    return cues


def segment_inputs(doc: "Doc", segments: list[Segment]) -> list[dict[str, Any]]:
    """Model inputs for the clauses of one answer: the text plus cues, position and neighbours."""
    spans = [doc.char_span(s.start, s.end, alignment_mode="expand") for s in segments]
    own = [clause_cues(sp) for sp in spans]
    count = len(segments)
    inputs = []
    for i, seg in enumerate(segments):
        rel = i / (count - 1) if count > 1 else 0.0
        feats: dict[str, float] = dict(own[i])
        feats.update(
            {
                "position": rel,
                f"position_bin={min(int(rel * 4), 3)}": 1.0,
                "first": float(i == 0),
                "last": float(i == count - 1),
            }
        )
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < count:
                for key in ("subject=i", "subject=we", "past", "number", "cue_outcome", "cue_task", "cue_situation"):
                    if key in own[j]:
                        feats[f"{side}_{key}"] = own[j][key]
            else:
                feats[f"{side}_none"] = 1.0
        inputs.append({"text": seg.text, "cues": feats})
    return inputs


def input_texts(inputs: list[dict[str, Any]]) -> list[str]:
    """Column selector used inside the trained pipeline (must stay importable by this name)."""
    return [item["text"] for item in inputs]


def input_cues(inputs: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Column selector used inside the trained pipeline (must stay importable by this name)."""
    return [item["cues"] for item in inputs]


# --------------------------------------------------------------------------- tagging


@lru_cache(maxsize=1)
def load_model() -> "Pipeline":
    """The trained STAR clause classifier bundled in ``models/star.joblib``."""
    import joblib

    from analyzer.errors import ModelMissingError
    from analyzer.resources import model_file

    bundle = joblib.load(model_file(MODEL_FILE))
    if bundle.get("feature_version") != FEATURE_VERSION:
        raise ModelMissingError(
            f"models/{MODEL_FILE} was built for STAR features v{bundle.get('feature_version')}, this code needs "
            f"v{FEATURE_VERSION}; rebuild it with 'python scripts/train_star.py'"
        )
    return bundle["pipeline"]


def tag_answer(doc: "Doc", model: "Pipeline | None" = None) -> list[TaggedSegment]:
    """Split the answer in ``doc`` into clauses and label each with the STAR model."""
    segments = segment_answer(doc)
    if not segments:
        return []
    model = model or load_model()
    inputs = segment_inputs(doc, segments)
    probabilities = model.predict_proba(inputs)
    classes = [str(c) for c in model.classes_]
    out = []
    for seg, item, probs in zip(segments, inputs, probabilities):
        best = int(probs.argmax())
        subject = next((k.split("=", 1)[1] for k in item["cues"] if k.startswith("subject=")), "none")
        out.append(
            TaggedSegment(
                segment=seg,
                label=classes[best],
                confidence=float(probs[best]),
                subject=subject,
                has_number=has_number(seg.text),
            )
        )
    return out
