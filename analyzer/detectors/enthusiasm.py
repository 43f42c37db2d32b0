"""Enthusiasm of an answer's language: lexicon cues plus a trained text classifier.

The score (0–100) starts from a neutral 50 and adds or subtracts points per component, so
plain, neutral wording scores about 50 and only signs of low enthusiasm take it lower:

* ``language_model`` – mean probability, over the answer's sentences, that a sentence is
  excited/joyful/optimistic, from the scikit-learn model in ``models/enthusiasm.joblib``
  (a vote of TF-IDF + VADER and of the bundled all-MiniLM-L6-v2 sentence vectors, trained on
  GoEmotions comments by ``scripts/train_enthusiasm.py``; one encoder pass over the answer's
  sentences).
  Hesitations ("um", "uh") are removed first and long answers are scored sentence by
  sentence, because the model learnt from short written comments;
* ``positive_emotion`` – mean VADER compound sentiment of the sentences;
* ``interest`` – interest or excitement words, worth more when they are about the role,
  company, team or work;
* ``energy`` – energetic, vivid words; ``future_intent`` – concrete plans ("I'd love to build");
* ``hedges`` – weak phrases ("I guess", "kind of", "whatever"), by rate per 100 words;
* ``minimal_answer`` – a flat answer of only a few words;
* ``negative_self_talk`` – "I'm not good at", "I'm no expert", ...
* ``voice`` (audio only) – pitch range, loudness variation and speaking rate, see
  :mod:`analyzer.detectors.voice`.

Every component reports its measured value and the points it contributed, so the score
explains itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from analyzer.text.lexicon import HESITATION_PATTERN
from analyzer.text.sentiment import polarity_scores
from analyzer.text.tokens import WORD_RE, count_words

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

    from analyzer.detectors.voice import VoiceFeatures

MODEL_FILE = "enthusiasm.joblib"
NEUTRAL_SCORE = 50.0

_APOS = "['\u2019]"
_NEGATION = re.compile(rf"\b(?:not|never|no|hardly|n{_APOS}t|cannot|can{_APOS}t|don{_APOS}t|didn{_APOS}t|isn{_APOS}t|wasn{_APOS}t|won{_APOS}t)\s+(?:\w+\s+){{0,2}}$", re.I)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_HESITATION = re.compile(rf"(?<![\w'\u2019])(?:{HESITATION_PATTERN})(?![\w'\u2019]),?\s*", re.I)


def _phrases(*items: str) -> re.Pattern[str]:
    """Case-insensitive whole-word alternation; ``'`` matches straight and curly apostrophes,
    longer phrases win."""
    alts = sorted(items, key=len, reverse=True)
    body = "|".join(re.escape(a).replace("'", _APOS).replace(r"\ ", r"\s+") for a in alts)
    return re.compile(rf"(?<![\w'\u2019])(?:{body})(?![\w'\u2019])", re.I)


HEDGES = _phrases(
    "I guess", "I'd guess", "kind of", "sort of", "kinda", "sorta", "I don't know", "I do not know",
    "I dunno", "dunno", "whatever", "it's fine", "that's fine", "it's okay", "it's ok", "that's okay",
    "I suppose", "not sure", "I'm not sure", "I am not sure", "probably", "maybe", "perhaps",
    "I don't really care", "I don't care", "doesn't matter", "doesn't really matter", "I don't mind",
    "good enough", "more or less", "it depends", "not really", "if I have to", "I just need a job",
    "anything is fine", "no idea", "who knows", "meh",
)
"""Weak, non-committal phrases; the span annotated is exactly the phrase matched."""

_NOUN_KIND = re.compile(
    r"\b(?:what|which|this|that|the|a|an|any|some|every|each|no|same|one|these|those|our|my|your|their|its|his|her|right|wrong)\s+$",
    re.I,
)
_WHATEVER_EAGER = re.compile(r"\s+(?:it\s+takes|is\s+needed|you\s+need)\b", re.I)

INTEREST = _phrases(
    "excited", "exciting", "excites", "excitement", "thrilled", "passionate", "passion", "fascinated",
    "fascinating", "fascinates", "love", "loved", "loves", "enjoy", "enjoyed", "enjoys", "eager", "keen",
    "inspired", "inspiring", "inspires", "motivated", "motivates", "motivating", "drawn to", "attracted to",
    "interested in", "curious", "can't wait", "cannot wait", "looking forward", "look forward", "admire",
    "proud", "energized", "energised", "energizes", "energises", "delighted", "appeals to me", "care about",
    "care deeply", "really want", "dream job",
)
TARGETS = _phrases(
    "role", "position", "job", "company", "team", "teams", "product", "products", "mission", "work",
    "project", "projects", "customers", "users", "technology", "opportunity", "culture", "challenge",
    "challenges", "field", "industry", "problem", "problems", "vision", "people", "organisation",
    "organization", "you", "your", "here", "this",
)
ENERGY = _phrases(
    "absolutely", "definitely", "genuinely", "truly", "incredibly", "amazing", "incredible", "fantastic",
    "awesome", "brilliant", "wonderful", "great", "thrive", "thrived", "energy", "energetic", "dive in",
    "dive into", "jump in", "jump into", "hit the ground running", "tackle", "all in", "a hundred percent",
    "100%", "huge", "exceptional", "remarkable",
)
FUTURE_INTENT = _phrases(
    "I'd love to", "I would love to", "I'd like to", "I would like to", "I want to", "I plan to",
    "I'm planning to", "I am planning to", "I hope to", "I intend to", "I'm going to", "I am going to",
    "I will", "I'll", "I can't wait to", "I look forward to", "I'm looking forward to", "I am looking forward to",
    "in my first", "my first 90 days", "my first month", "my first year", "I aim to", "my goal is to",
    "I'm eager to", "I am eager to", "I'm keen to", "I am keen to",
)
NEGATIVE_SELF_TALK = _phrases(
    "I'm not good at", "I am not good at", "I'm bad at", "I am bad at", "I'm terrible at", "I am terrible at",
    "I'm awful at", "I suck at", "I'm not very good", "I'm not that good", "I'm not really good",
    "I'm not qualified", "I am not qualified", "I'm not the best", "I'm no expert", "I'm not an expert",
    "I'm just a", "I'm only a", "I'm not smart", "I'm not smart enough", "I always mess up", "I always screw up",
    "I'm hopeless", "not my strong suit", "not my strong point", "I'm not ready", "I'm probably not",
    "I don't think I'm good", "I don't think I am good", "I don't think I'm qualified", "I'm not confident",
    "I'm a bit slow", "I'm not a natural", "I'm not really a", "I'm useless",
)

# Points per component (see the module docstring). Set a priori, not fitted, except MODEL_POINTS (scripts/train_enthusiasm.py).
MODEL_POINTS = 80.0  # (p - p_neutral) * 80: 0 for a typical neutral text; chosen by CV among 40/60/80
POSITIVE_POINTS = 10.0  # mean compound * 10: -10..+10
INTEREST_POINTS_TARGETED, INTEREST_POINTS_OTHER, INTEREST_CAP = 6.0, 3.0, 15.0
ENERGY_POINTS, ENERGY_CAP = 3.0, 8.0
FUTURE_POINTS, FUTURE_CAP = 5.0, 12.0
HEDGE_POINTS_PER_RATE, HEDGE_CAP = 3.0, 30.0  # points per hedge per 100 words
MINIMAL_POINTS = 25.0  # full penalty for an empty answer, scaled down to 0 at min_words
SELF_TALK_POINTS, SELF_TALK_CAP = 8.0, 20.0
VOICE_POINTS = 30.0  # (liveliness - 0.5) * 30: -15..+15 score points
MONOTONE_POINTS = 10.0  # minus this times the share of the answer spoken in monotone stretches


@dataclass(frozen=True)
class PhraseHit:
    """A lexicon phrase found in the answer: ``start``/``end`` index the answer text."""

    kind: str
    start: int
    end: int
    text: str
    targeted: bool = False


@dataclass
class Component:
    """One ingredient of the score: what was measured and the points it added."""

    value: float
    points: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 3) + 0.0, "points": round(self.points, 1) + 0.0, **self.detail}  # no -0.0


@dataclass
class EnthusiasmScore:
    """The score of one answer with its components and the phrases behind them."""

    score: float
    components: dict[str, Component]
    hits: list[PhraseHit]
    words: int

    def hits_of(self, kind: str) -> list[PhraseHit]:
        return [h for h in self.hits if h.kind == kind]

    def as_metrics(self) -> dict[str, Any]:
        return {"score": round(self.score, 1), "components": {k: c.as_dict() for k, c in self.components.items()}}


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any]:
    """The bundled text classifier: ``{"pipeline": a soft vote of two logistic regressions, one over TF-IDF and
    sentiment, one over sentence vectors, "neutral_probability": median out-of-fold P(enthusiastic) of the
    neutral training comments}``."""
    import joblib

    from analyzer.resources import model_file

    return joblib.load(model_file(MODEL_FILE))


def sentiment_features(texts: Iterable[str]) -> "np.ndarray":
    """VADER positive, negative, compound and an exclamation indicator per text.

    Used inside the trained pipeline (as a ``FunctionTransformer``) and for scoring.
    """
    import numpy as np

    rows = []
    for text in texts:
        s = polarity_scores(text)
        rows.append((s["pos"], s["neg"], s["compound"], float("!" in text)))
    return np.asarray(rows, dtype=float).reshape(-1, 4)


def sentence_vectors(texts: Iterable[str]) -> "np.ndarray":
    """all-MiniLM-L6-v2 sentence vectors (unit length) of each text, from the bundled encoder.

    Used inside the trained model (as a ``FunctionTransformer``): the input of its second voter.
    """
    from analyzer.text.encoder import load_encoder

    return load_encoder().sentence_vectors(list(texts))


def model_probability(texts: Sequence[str], pipeline: "Pipeline | None" = None) -> list[float]:
    """P(enthusiastic) of each text under ``pipeline`` (the bundled model's by default)."""
    pipeline = pipeline or load_model()["pipeline"]
    return [float(p) for p in pipeline.predict_proba(list(texts))[:, 1]]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if WORD_RE.search(s)]


def without_hesitations(text: str) -> str:
    """``text`` without "um", "uh", "er"... (and the commas around them)."""
    return re.sub(r"\s{2,}", " ", _HESITATION.sub("", text)).strip()


def model_texts(text: str) -> list[str]:
    """What the classifier reads of ``text``: its sentences, hesitations removed (``text`` itself if none)."""
    return sentences(without_hesitations(text)) or [text]


def language_probability(text: str, pipeline: "Pipeline | None" = None) -> float:
    """Mean P(enthusiastic) over the sentences of ``text``, hesitations removed."""
    parts = model_texts(text)
    return sum(model_probability(parts, pipeline)) / len(parts)


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40) : start]))


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, pos) for c in ".!?")
    right = [i for i in (text.find(c, pos) for c in ".!?") if i >= 0]
    return left + 1, (min(right) if right else len(text))


def find_hedges(text: str) -> list[PhraseHit]:
    """Hedge phrases with exact character spans (noun uses like "the kind of team" and
    "whatever it takes" are not hedges)."""
    hits = []
    for m in HEDGES.finditer(text):
        phrase = m.group(0).lower()
        if phrase.split()[0] in ("kind", "sort") and _NOUN_KIND.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        if phrase == "whatever" and _WHATEVER_EAGER.match(text, m.end()):
            continue
        hits.append(PhraseHit("hedge", m.start(), m.end(), m.group(0)))
    return hits


def find_cues(text: str) -> list[PhraseHit]:
    """Every lexicon hit: hedges, interest, energy, future intent and negative self-talk.

    Positive cues under a negation ("not excited", "I don't love") do not count.
    """
    hits = find_hedges(text)
    self_talk = [PhraseHit("negative_self_talk", m.start(), m.end(), m.group(0)) for m in NEGATIVE_SELF_TALK.finditer(text)]
    hits += self_talk

    def free(start: int, end: int) -> bool:
        return not any(h.start < end and start < h.end for h in self_talk) and not _negated(text, start)

    for m in INTEREST.finditer(text):
        if free(m.start(), m.end()):
            lo, hi = _sentence_bounds(text, m.start())
            targeted = any(t.start() != m.start() for t in TARGETS.finditer(text, lo, hi))
            hits.append(PhraseHit("interest", m.start(), m.end(), m.group(0), targeted=targeted))
    for pattern, kind in ((ENERGY, "energy"), (FUTURE_INTENT, "future_intent")):
        hits += [PhraseHit(kind, m.start(), m.end(), m.group(0)) for m in pattern.finditer(text) if free(m.start(), m.end())]
    return sorted(hits, key=lambda h: (h.start, h.end))


def score_text(
    text: str,
    *,
    min_words: int = 12,
    voice: "VoiceFeatures | None" = None,
    model: "dict[str, Any] | None" = None,
) -> EnthusiasmScore:
    """Score one answer's enthusiasm (0–100) from its text, and its voice when given.

    ``model`` is a bundle like :func:`load_model`'s (the bundled one when ``None``; training scores
    its cross-validation folds' models).
    """
    n_words = count_words(text)
    hits = find_cues(text)
    components: dict[str, Component] = {}

    model = model or load_model()
    p = language_probability(text, model["pipeline"])
    neutral = float(model["neutral_probability"])
    components["language_model"] = Component(p, MODEL_POINTS * (p - neutral), {"neutral_value": round(neutral, 3)})

    sents = sentences(text)
    compound = float(sentiment_features(sents)[:, 2].mean()) if sents else 0.0
    components["positive_emotion"] = Component(compound, POSITIVE_POINTS * compound)

    interest = [h for h in hits if h.kind == "interest"]
    targeted = sum(h.targeted for h in interest)
    interest_pts = min(INTEREST_CAP, INTEREST_POINTS_TARGETED * targeted + INTEREST_POINTS_OTHER * (len(interest) - targeted))
    components["interest"] = Component(len(interest), interest_pts, {"about_role_or_work": targeted})

    energy = len([h for h in hits if h.kind == "energy"])
    components["energy"] = Component(energy, min(ENERGY_CAP, ENERGY_POINTS * energy))

    future = len([h for h in hits if h.kind == "future_intent"])
    components["future_intent"] = Component(future, min(FUTURE_CAP, FUTURE_POINTS * future))

    hedges = len([h for h in hits if h.kind == "hedge"])
    rate = 100.0 * hedges / max(n_words, 1)
    components["hedges"] = Component(rate, -min(HEDGE_CAP, HEDGE_POINTS_PER_RATE * rate), {"count": hedges, "per": "100 words"})

    shortfall = max(0.0, 1.0 - n_words / max(min_words, 1))
    components["minimal_answer"] = Component(n_words, -MINIMAL_POINTS * shortfall, {"min_words": min_words})

    self_talk = len([h for h in hits if h.kind == "negative_self_talk"])
    components["negative_self_talk"] = Component(self_talk, -min(SELF_TALK_CAP, SELF_TALK_POINTS * self_talk))

    if voice is not None:
        components["voice"] = voice_component(voice)

    total = NEUTRAL_SCORE + sum(c.points for c in components.values())
    return EnthusiasmScore(score=min(100.0, max(0.0, total)), components=components, hits=hits, words=n_words)


def voice_component(voice: "VoiceFeatures") -> Component:
    """The ``voice`` component of the score: liveliness, less the monotone share."""
    live = voice.liveliness
    points = VOICE_POINTS * (live - 0.5) - MONOTONE_POINTS * voice.monotone_share
    return Component(live, points, voice.summary())
