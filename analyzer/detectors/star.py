"""STAR tagging: split an answer into clauses and label each as situation, task, action,
result or other with the trained model in ``models/star.joblib``.

Segmentation and features live here so that training (``scripts/train_star.py``, which builds
the classifier) and the ``missing-star`` check see exactly the same clauses and the same features.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

STAR_PARTS: tuple[str, ...] = ("situation", "task", "action", "result")
LABELS: tuple[str, ...] = STAR_PARTS + ("other",)
MODEL_FILE = "star.joblib"
FEATURE_VERSION = 1
MIN_SEGMENT_WORDS = 3

# Words that open a new clause in run-on speech ("... and so I called them").
_CLAUSE_OPENERS = {"and", "so", "but", "then", "because", "which"}
_FILLERS = {"um", "uh", "erm", "er", "hmm", "mm", "like", "basically", "yeah", "okay", "ok", "right", "well"}
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
class Segment:
    """A clause of an answer: character offsets into the answer text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TaggedSegment:
    """A clause with its STAR label, the model's probability for it and a few cues."""

    segment: Segment
    label: str
    confidence: float
    subject: str
    """Grammatical person of the clause's subject: ``i``, ``we``, ``other`` or ``none``."""
    has_number: bool


# --------------------------------------------------------------------------- segmentation


def _is_filler(token: "Token") -> bool:
    return token.is_punct or token.lower_ in _FILLERS or token.pos_ == "INTJ"


def _clause_start(token: "Token", sent_start: int) -> int:
    """Index where a clause headed by ``token`` begins, pulled back over openers like "and so"."""
    i = token.left_edge.i
    doc = token.doc
    while i - 1 > sent_start and (doc[i - 1].lower_ in _CLAUSE_OPENERS or doc[i - 1].pos_ in ("CCONJ", "INTJ")
                                  or doc[i - 1].lower_ in _FILLERS or doc[i - 1].is_punct):
        i -= 1
    return i


def _is_purpose(token: "Token") -> bool:
    """ "..., so (that) I could ..." gives the reason for the step before; it is not a new step."""
    doc, edge = token.doc, token.left_edge.i
    opener = doc[edge] if doc[edge].lower_ == "so" or edge == 0 else doc[edge - 1]
    if opener.lower_ != "so":
        return False
    so_that = opener.i + 1 < len(doc) and doc[opener.i + 1].lower_ == "that"
    return so_that or any(c.tag_ == "MD" for c in token.children)


def _split_points(sent: "SpacySpan") -> list[int]:
    """Token indices inside ``sent`` where a new finite clause with its own subject starts."""
    points: set[int] = set()
    for token in sent:
        if token.i == sent.start:
            continue
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in token.children)
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and has_subject and not _is_purpose(token):
            points.add(_clause_start(token, sent.start))
        elif token.dep_ == "relcl" and token.left_edge.lower_ == "which" and token.doc[token.left_edge.i - 1].is_punct:
            points.add(token.left_edge.i)
        elif token.dep_ == "advcl" and has_subject and token.left_edge.i > sent.start:
            if token.left_edge.lower_ in ("so", "and", "then") and not _is_purpose(token):
                points.add(_clause_start(token, sent.start))
    return sorted(p for p in points if sent.start < p < sent.end)


def _content_words(doc: "Doc", start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if not _is_filler(t))


def segment_answer(doc: "Doc") -> list[Segment]:
    """Sentences of ``doc``, split further at clause boundaries of run-on speech.

    Pieces with fewer than ``MIN_SEGMENT_WORDS`` content words are merged into a neighbour.
    """
    ranges: list[list[int]] = []
    for sent in doc.sents:
        cuts = [sent.start, *_split_points(sent), sent.end]
        for a, b in zip(cuts, cuts[1:]):
            if b > a:
                ranges.append([a, b])
    merged: list[list[int]] = []
    for rng in ranges:
        if merged and _content_words(doc, *rng) < MIN_SEGMENT_WORDS:
            merged[-1][1] = rng[1]
        else:
            merged.append(rng)
    if len(merged) > 1 and _content_words(doc, *merged[0]) < MIN_SEGMENT_WORDS:
        merged[1][0] = merged[0][0]
        merged.pop(0)
    out = []
    for a, b in merged:
        while a < b - 1 and doc[a].is_punct:  # a clause starts at its first word, not at a comma
            a += 1
        span = doc[a:b]
        start, end = span.start_char, span.end_char
        if doc.text[start:end].strip():
            out.append(Segment(start, end, doc.text[start:end]))
    return out


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
        "fillers": sum(1 for t in words if _is_filler(t)) / n,
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
