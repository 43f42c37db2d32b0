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

from analyzer.text.clauses import Segment, has_subject, is_filler, segment_answer

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline
    from spacy.tokens import Doc, Span as SpacySpan, Token

STAR_PARTS: tuple[str, ...] = ("situation", "task", "action", "result")
LABELS: tuple[str, ...] = STAR_PARTS + ("other",)
MODEL_FILE = "star.joblib"
FEATURE_VERSION = 2

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


_STATE_VERBS = frozenset(
    "be have seem know think feel want like love hate need believe remember mean guess hope wish "
    "understand care matter exist belong appear seem sound".split()
)
"""Main verbs that describe a state, not a deed ("I was", "he had", "I knew")."""
_CHANGE_VERBS = frozenset(
    "become get end finish lose win fail succeed leave quit stop change realize realise learn hire fire "
    "promote close die grow drop increase decrease rise fall pass graduate land sell launch work turn "
    "happen come receive go".split()
)
"""Main verbs that often tell an outcome ("we never heard from him again": hear is in _RESULT_PHRASES)."""
_RESULT_PHRASES = re.compile(
    r"\b(so|and then|then|in the end|ended up|turned out|never\b.*\bagain|eventually|finally|that's how|"
    r"as a result|after that|afterwards|since then|from then on|realis|realiz|learn|heard (back|from)|"
    r"got (the|a|an|my|into|through|back|hired|fired|promoted|in|out|away)|became|worked out|paid off|"
    r"ever since|to this day|next (day|morning|week)|by the end|anymore|no longer|never)\b",
    re.I,
)
SPEAKER_PAST_DEED = "speaker_past_deed"
"""The cue that allows the label ``action``: a verb of the clause is a deed (not a state, not negated, not
hypothetical, not ongoing or habitual) in the past tense, done by "I" or "we". Action means what the speaker
did in the story (#24)."""
_THIRD_PERSON = frozenset({"he", "she", "they", "him", "her", "them"})


def _main_verb(span: "SpacySpan") -> "Token | None":
    """The clause's predicate: the span's syntactic root when it is a verb, else its first verb with a subject."""
    root = span.root
    if root.pos_ in ("VERB", "AUX"):
        return root
    return next((t for t in span if t.pos_ in ("VERB", "AUX") and has_subject(t)), None)


def _agent(verb: "Token") -> str:
    """Who does ``verb``: i, we, you, other (a person or thing named), it (expletive/demonstrative) or none."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subject is None and verb.dep_ in ("conj", "xcomp") and verb.head is not verb:
        return _agent(verb.head)
    if subject is None:
        return "none"
    word = subject.lower_
    if word in ("i", "we", "you"):
        return word
    if word in ("it", "that", "this", "there") or subject.dep_ == "expl":
        return "it"
    return "third" if word in _THIRD_PERSON else "other"


@dataclass(frozen=True)
class _Verb:
    """What the parse says about one verb: who does it and whether it is a step of a story."""

    agent: str
    deed: bool
    """Not a state, not negated, not hypothetical."""
    past: bool
    background: bool
    """Ongoing or habitual ("I was working in a restaurant", "I used to write"): not a step."""
    state: bool
    negated: bool
    modal: bool
    passive: bool

    @property
    def speaker_step(self) -> bool:
        return self.deed and self.past and not self.background and self.agent in ("i", "we")


def _verb_facts(verb: "Token") -> _Verb:
    children = list(verb.children)
    auxiliaries = [c for c in children if c.dep_ in ("aux", "auxpass")]
    lemma = verb.lemma_.lower()
    negated = any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in children)
    modal = any(c.tag_ == "MD" and c.lower_ not in ("will", "'ll", "can") for c in children)
    state = lemma in _STATE_VERBS
    return _Verb(
        agent=_agent(verb),
        deed=not state and not negated and not modal and verb.pos_ == "VERB",
        past=verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxiliaries) or (verb.tag_ == "VBN" and not auxiliaries),
        background=verb.tag_ == "VBG" or (lemma == "use" and any(c.dep_ == "xcomp" for c in children)),
        state=state,
        negated=negated,
        modal=modal,
        passive=any(c.dep_ in ("nsubjpass", "auxpass") for c in children),
    )


def agency_cues(span: "SpacySpan") -> dict[str, float]:
    """Who acts in the clause and how: the main verb's agent, whether it is a deed (not a state, not
    negated, not hypothetical), its tense and voice; whether any verb of the clause is a past step of the
    speaker ("I remember when I quit": quit); and outcome wording ("ended up", "never ... again").
    Only cues named in the dict are set (a DictVectorizer reads the rest as 0)."""
    cues: dict[str, float] = {
        "result_phrase": float(bool(_RESULT_PHRASES.search(span.text))),
        SPEAKER_PAST_DEED: float(any(_verb_facts(t).speaker_step for t in span if t.pos_ == "VERB")),
    }
    verb = _main_verb(span)
    if verb is None:
        cues["verb=none"] = 1.0
        return cues
    facts = _verb_facts(verb)
    cues.update({
        f"agent={facts.agent}": 1.0,
        f"agent_deed={facts.agent}": float(facts.deed),
        "self_deed": float(facts.deed and facts.agent in ("i", "we")),
        "main_speaker_step": float(facts.speaker_step),
        "other_deed": float(facts.deed and facts.agent in ("third", "other")),
        "state_verb": float(facts.state),
        "change_verb": float(verb.lemma_.lower() in _CHANGE_VERBS),
        "negated": float(facts.negated),
        "hypothetical": float(facts.modal),
        "passive_main": float(facts.passive),
        "main_past": float(facts.past),
        "main_background": float(facts.background),
        "main_perfect": float(any(c.lemma_ == "have" and c.dep_ == "aux" for c in verb.children)),
    })
    return cues


_CONTEXT_KEYS = ("self_deed", "other_deed", "result_phrase", "agent=i", "agent=we", "agent=third")


def segment_inputs(doc: "Doc", segments: list[Segment]) -> list[dict[str, Any]]:
    """Model inputs for the clauses of one answer: the text, its sentence vector (all-MiniLM-L6-v2), its cues,
    its neighbours' agency cues, whether a deed of the speaker came before it (a result is what came of
    something) and the whole answer's share of the speaker's own deeds. No position in the answer: a result
    may open a story and an action end it."""
    spans = [doc.char_span(s.start, s.end, alignment_mode="expand") for s in segments]
    own = [{**clause_cues(sp), **agency_cues(sp)} for sp in spans]
    vectors = clause_vectors([s.text for s in segments])
    count = len(segments)
    answer_share = {key: sum(c.get(key, 0.0) for c in own) / max(count, 1) for key in _CONTEXT_KEYS}
    inputs = []
    for i, seg in enumerate(segments):
        feats: dict[str, float] = dict(own[i])
        feats["after_speaker_deed"] = float(any(c.get(SPEAKER_PAST_DEED) for c in own[:i]))
        feats.update({f"answer_{key}": value for key, value in answer_share.items()})
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < count:
                for key in _CONTEXT_KEYS:
                    if key in own[j]:
                        feats[f"{side}_{key}"] = own[j][key]
        inputs.append({"text": seg.text, "cues": feats, "vector": vectors[i]})
    return inputs


def clause_vectors(texts: list[str]) -> "np.ndarray":
    """all-MiniLM-L6-v2 sentence vectors of the clauses (one batch)."""
    from analyzer.text.encoder import load_encoder

    return load_encoder().sentence_vectors(texts)


def input_cues(inputs: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Column selector used inside the trained pipeline (must stay importable by this name)."""
    return [item["cues"] for item in inputs]


def input_vectors(inputs: list[dict[str, Any]]) -> "np.ndarray":
    """Column selector used inside the trained pipeline (must stay importable by this name)."""
    import numpy as np

    return np.vstack([item["vector"] for item in inputs])


# --------------------------------------------------------------------------- tagging


@dataclass(frozen=True)
class StarModel:
    """The clause classifier and the per-label offsets added to its log-probabilities before the argmax
    (chosen by cross-validated presence accuracy on the training narratives: scripts/train_star.py)."""

    pipeline: "Pipeline"
    offsets: dict[str, float]

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def predict(self, inputs: list[dict[str, Any]]) -> tuple[list[str], "np.ndarray"]:
        """The label of each clause and the model's probabilities (one row per clause)."""
        probabilities = self.pipeline.predict_proba(inputs)
        return decide(probabilities, self.classes, inputs, self.offsets), probabilities


def decide(probabilities: "np.ndarray", classes: list[str], inputs: list[dict[str, Any]],
           offsets: dict[str, float]) -> list[str]:
    """Each clause's label: the most probable after the offsets are added to the log-probabilities, where
    ``action`` is allowed only for a past deed of the speaker (:data:`SPEAKER_PAST_DEED`)."""
    import numpy as np

    scores = np.log(np.maximum(probabilities, 1e-12)) + np.array([offsets.get(c, 0.0) for c in classes])
    action = classes.index("action")
    for row, item in zip(scores, inputs):
        if not item["cues"].get(SPEAKER_PAST_DEED):
            row[action] = -np.inf
    return [classes[i] for i in scores.argmax(axis=1)]


@lru_cache(maxsize=1)
def load_model() -> StarModel:
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
    return StarModel(bundle["pipeline"], dict(bundle.get("offsets", {})))


def tag_answer(doc: "Doc", model: StarModel | None = None, segments: list[Segment] | None = None) -> list[TaggedSegment]:
    """Label each clause of the answer in ``doc`` (``segments``, by default :func:`segment_answer`'s) with the
    STAR model."""
    segments = segment_answer(doc) if segments is None else segments
    if not segments:
        return []
    model = model or load_model()
    inputs = segment_inputs(doc, segments)
    labels, probabilities = model.predict(inputs)
    out = []
    for seg, item, label, probs in zip(segments, inputs, labels, probabilities):
        subject = next((k.split("=", 1)[1] for k in item["cues"] if k.startswith("subject=")), "none")
        out.append(
            TaggedSegment(
                segment=seg,
                label=label,
                confidence=float(probs[model.classes.index(label)]),
                subject=subject,
                has_number=has_number(seg.text),
            )
        )
    return out
