"""Context-aware filler detection: "um" is always a filler, "like" only sometimes.

Two kinds of filler:

* **Hesitations** (um, uh, er, erm, hmm, mm, mm-hmm, ah, eh, with their elongations
  "umm", "uhh", "hmmm"): fillers wherever they occur.
* **Discourse fillers** (like, you know, I mean, so, well, actually, basically, literally,
  kind of, sort of, right, okay): fillers only in some contexts. "It was, like, huge" has
  one; "I like Python" and "it looks like rain" do not. Two scikit-learn classifiers
  (``models/fillers.joblib``, trained by ``scripts/train_fillers.py``, card in
  ``models/fillers.md``) decide together: one from spaCy features of each occurrence (part
  of speech, dependency relation and head, neighbouring words, position in the sentence and
  the punctuation, or, when the audio was measured, the pauses around it), one from a
  bundled transformer's contextual vector of the occurrence (:mod:`analyzer.encoder`).

The list is configurable through the ``fillers`` settings table::

    [tool.interview-analyzer.fillers]
    add = ["you see", "just"]
    remove = ["well", "so"]

An added word the model was trained on ("just", "yeah") is judged in context like the
defaults; any other added word counts as a filler wherever it occurs.

Checks share one detection per answer through :func:`fillers_for` (``ctx.memo("fillers")``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from analyzer.datamodel import Annotation, Word
from analyzer.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc, Token

    from analyzer.checks.base import AnswerContext

MODEL_FILE = "fillers.joblib"

# canonical hesitation -> regular expression for its spellings
HESITATIONS: dict[str, str] = {
    "um": r"u+m+|u+h+m+",
    "uh": r"u+h+",
    "er": r"e+r+",
    "erm": r"e+r+m+",
    "hmm": r"h+m+",
    "mm": r"m{2,}",
    "mm-hmm": r"m+-?h+m+|m+h+m+|uh-huh",
    "ah": r"a+h+",
    "eh": r"e+h+",
}
DISCOURSE_FILLERS: tuple[str, ...] = (
    "like", "you know", "i mean", "so", "well", "actually", "basically",
    "literally", "kind of", "sort of", "right", "okay",
)
# other spellings of a canonical discourse filler
VARIANTS: dict[str, tuple[str, ...]] = {
    "kind of": ("kinda",),
    "sort of": ("sorta",),
    "okay": ("ok",),
}

PAUSE_BOUNDARY_S = 0.25
"""A measured silence at least this long right next to a word counts as a comma there."""
_PAUSE_SLACK_S = 0.12

_CLOSED_CLASS = {"PRON", "AUX", "DET", "ADP", "CCONJ", "SCONJ", "PART", "INTJ"}
_CONTEXT_LEMMAS = {
    "be", "look", "seem", "sound", "feel", "say", "go", "think", "know", "mean", "do",
    "have", "get", "want", "thing", "stuff", "just", "really", "very", "not",
}
_OBJECT_DEPS = {"dobj", "pobj", "ccomp", "xcomp", "acomp", "attr", "prep", "advcl"}
_HESITATION_RE = re.compile(rf"^(?:{'|'.join(HESITATIONS.values())})$", re.I)


@dataclass(frozen=True)
class FillerList:
    """The fillers in effect: hesitations, context-dependent words and plain added words."""

    hesitations: tuple[str, ...]
    discourse: tuple[str, ...]
    literal: tuple[str, ...]
    """Added words the model does not know: fillers wherever they occur."""

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.hesitations, *self.discourse, *self.literal)


@dataclass(frozen=True)
class Candidate:
    """One occurrence of a list word in a text."""

    start: int
    end: int
    text: str
    word: str
    """Canonical form ("kinda" -> "kind of", "Umm" -> "um")."""
    kind: str
    """"hesitation", "discourse" or "literal"."""


def _normalise(word: str) -> str:
    return " ".join(word.lower().split())


def _canonical(word: str) -> str:
    word = _normalise(word)
    for canon, spellings in VARIANTS.items():
        if word in spellings:
            return canon
    for canon, pattern in HESITATIONS.items():
        if re.fullmatch(pattern, word, re.I):
            return canon
    return word


def _word_list(settings: Mapping[str, Any], key: str) -> list[str]:
    value = settings.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"[fillers] {key} must be a list of words or phrases, got {value!r}")
    return [_canonical(v) for v in value]


def filler_list(settings: Mapping[str, Any] | None = None, model_words: Iterable[str] = ()) -> FillerList:
    """The configured list: defaults plus ``add`` minus ``remove`` from the ``fillers`` table.

    ``model_words`` are the discourse words the context model was trained on; added words
    among them are judged in context, other added words count everywhere.
    """
    settings = settings or {}
    unknown = set(settings) - {"add", "remove"}
    if unknown:
        raise ConfigError(f"unknown key(s) in [fillers]: {', '.join(sorted(unknown))}; use add and remove")
    added, removed = _word_list(settings, "add"), set(_word_list(settings, "remove"))
    known = set(model_words) | set(DISCOURSE_FILLERS)
    hesitations = [w for w in HESITATIONS if w not in removed]
    discourse = [w for w in DISCOURSE_FILLERS if w not in removed]
    literal: list[str] = []
    for word in added:
        if word in removed or word in hesitations or word in discourse or word in literal:
            continue
        if word in HESITATIONS:
            hesitations.append(word)
        elif word in known:
            discourse.append(word)
        else:
            literal.append(word)
    return FillerList(tuple(hesitations), tuple(discourse), tuple(literal))


def _phrase_pattern(word: str) -> str:
    spellings = [word, *VARIANTS.get(word, ())]
    return "|".join(r"\s+".join(re.escape(part) for part in s.split()) for s in spellings)


@lru_cache(maxsize=64)
def _compiled(fillers: FillerList) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    out = []
    for word in fillers.hesitations:
        # a cut-off hesitation ("um-") is still a hesitation; the span leaves out the hyphen
        out.append((word, "hesitation", re.compile(rf"(?<![\w'’-])(?:{HESITATIONS[word]})(?![\w'’])", re.I)))
    for kind, words in (("discourse", fillers.discourse), ("literal", fillers.literal)):
        for word in words:
            # a cut-off word ("like-") is a restart, not a filler
            out.append((word, kind, re.compile(rf"(?<![\w'’-])(?:{_phrase_pattern(word)})(?![\w'’-])", re.I)))
    return tuple(out)


def find_candidates(text: str, fillers: FillerList) -> list[Candidate]:
    """Every occurrence of a list word, longest first where two overlap, in text order."""
    found = [
        Candidate(m.start(), m.end(), m.group(0), word, kind)
        for word, kind, pattern in _compiled(fillers)
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    for cand in found:
        if out and cand.start < out[-1].end:
            continue
        out.append(cand)
    return out


def _boundary_before(text: str, start: int) -> str:
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0:
        return "start"
    return _boundary_char(text[i])


def _boundary_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        return "end"
    return _boundary_char(text[i])


def _boundary_char(ch: str) -> str:
    if ch in ",;:":
        return "comma"
    if ch in ".?!…":
        return "stop"
    if ch in "-–—":
        return "dash"
    if ch in "\"'“”‘’()[]":
        return "quote"
    return "none"


def _lex(token: "Token | None") -> str:
    """A neighbour as its word for function words and a few telling lemmas, else its POS."""
    if token is None:
        return "<none>"
    if token.is_punct:
        return "<punct>"
    if token.pos_ in _CLOSED_CLASS or token.lemma_.lower() in _CONTEXT_LEMMAS:
        return token.lower_
    return token.pos_


def _neighbour(doc: "Doc", i: int, step: int) -> "Token | None":
    """The nearest non-punctuation token from index ``i`` in direction ``step``."""
    while 0 <= i < len(doc):
        if not doc[i].is_punct and not doc[i].is_space:
            return doc[i]
        i += step
    return None


def candidate_features(
    doc: "Doc", cand: Candidate, pause_before: bool = False, pause_after: bool = False
) -> dict[str, float]:
    """Features of one discourse-filler candidate in a parsed text (used to train and predict)."""
    text = doc.text
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    first, last = span[0], span[-1]
    before, after = _boundary_before(text, cand.start), _boundary_after(text, cand.end)
    if pause_before and before in ("none", "quote"):
        before = "comma"
    if pause_after and after in ("none", "quote"):
        after = "comma"
    prev, nxt = _neighbour(doc, first.i - 1, -1), _neighbour(doc, last.i + 1, 1)
    prev2 = _neighbour(doc, prev.i - 1, -1) if prev is not None else None
    nxt2 = _neighbour(doc, nxt.i + 1, 1) if nxt is not None else None
    sent = first.sent
    window = doc[max(0, first.i - 3) : last.i + 4]
    head = last.head if last.head.i not in range(first.i, last.i + 1) else first.head
    features: dict[str, float] = {
        f"w={cand.word}": 1.0,
        f"before={before}": 1.0,
        f"after={after}": 1.0,
        f"w={cand.word}|before={before}|after={after}": 1.0,
        f"pos={first.pos_}": 1.0,
        f"tag={first.tag_}": 1.0,
        f"dep={first.dep_}": 1.0,
        f"last_pos={last.pos_}": 1.0,
        f"last_dep={last.dep_}": 1.0,
        f"head_pos={head.pos_}": 1.0,
        f"head={_lex(head)}": 1.0,
        f"head_side={'self' if head in span else ('left' if head.i < first.i else 'right')}": 1.0,
        "n_children": float(sum(1 for t in span for c in t.children if c not in span)),
        "has_object": float(any(c.dep_ in _OBJECT_DEPS for t in span for c in t.children if c not in span)),
        f"prev={_lex(prev)}": 1.0,
        f"prev_pos={prev.pos_ if prev is not None else '<none>'}": 1.0,
        f"prev2={_lex(prev2)}": 1.0,
        f"next={_lex(nxt)}": 1.0,
        f"next_pos={nxt.pos_ if nxt is not None else '<none>'}": 1.0,
        f"next2={_lex(nxt2)}": 1.0,
        "next_is_number": float(nxt is not None and nxt.like_num),
        "sent_start": float(first.i == sent.start or (prev is not None and prev.i < sent.start)),
        "sent_end": float(nxt is None or nxt.i >= sent.end),
        "sent_position": (first.i - sent.start) / max(1, len(sent)),
        "sent_length": float(len(sent)),
        "capitalised": float(cand.text[:1].isupper() and cand.word != "i mean"),
        "near_hesitation": float(any(_HESITATION_RE.match(t.text) for t in window if t not in span)),
        "repeated": float(any(t.lower_ == first.lower_ for t in window if t not in span)),
    }
    return features


_COMPARISON_VERBS = {"look", "sound", "seem", "feel", "taste", "smell"}
_REPORTING_VERBS = {"say", "mention", "tell"}
"""*like* before a subject and one of these verbs is "as": "like I said", "like you mentioned"."""
_OBJECTS = {"dobj", "ccomp", "xcomp"}
_NOUN_PHRASE_START = {"PROPN", "NOUN", "DET", "ADJ", "NUM", "PRON"}


def lexical_use(doc: "Doc", cand: Candidate) -> bool:
    """True when the parse shows the word in its ordinary grammatical role, never a filler.

    "I like Python" (the verb *like* with subject and object), "it looks like rain" (like
    right after look/sound/seem/feel), "states like Wisconsin" (like meaning "such as"),
    "like I said" (like meaning "as" before a subject and a verb of saying), "he texted me,
    like, Great job" (quotative like before a capitalised quotation),
    "you know the answer" / "what I mean" (know/mean with
    an object not set off by a comma), "so good" (so before the adjective it intensifies),
    "what kind of job" (kind/sort as a noun with a determiner).
    """
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    first, last = span[0], span[-1]
    text = doc.text

    def bound(child: "Token") -> bool:
        """``child`` hangs on ``last`` with no punctuation between them."""
        a, b = sorted((child, last), key=lambda t: t.i)
        return not re.search(r"[,;:.?!…—–-]", text[a.idx + len(a) : b.idx])

    if cand.word == "like":
        if first.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in first.children) and any(
            c.dep_ in _OBJECTS and bound(c) for c in first.children
        ):
            return True
        if _as_reported(doc, first) or _quotative(doc, cand, first):
            return True
        prev = _neighbour(doc, first.i - 1, -1)
        if prev is None or prev.i != first.i - 1:
            return False
        return prev.lemma_.lower() in _COMPARISON_VERBS or _such_as(doc, cand, prev)
    if cand.word in ("you know", "i mean"):
        return any(c.dep_ in ("dobj", "ccomp") and bound(c) for c in last.children)
    if cand.word == "so":
        nxt = doc[first.i + 1] if first.i + 1 < len(doc) else None
        return nxt is not None and nxt.pos_ in ("ADJ", "ADV") and first.head == nxt and nxt.lower_ not in ("then", "now")
    if cand.word in ("kind of", "sort of"):
        return first.pos_ == "NOUN" and any(c.dep_ == "det" for c in first.children)
    return False


def _as_reported(doc: "Doc", like: "Token") -> bool:
    """*like* meaning "as" before a subject and its verb of saying: "like I said", "like you
    already mentioned" (no punctuation in between)."""
    subject = doc[like.i + 1] if like.i + 1 < len(doc) else None
    if subject is None or subject.pos_ not in ("PRON", "PROPN") or subject.idx != like.idx + len(like) + 1:
        return False
    verb = subject.head
    return (
        verb.i > subject.i
        and verb.lemma_.lower() in _REPORTING_VERBS
        and all(t.pos_ in ("ADV", "AUX", "PART") for t in doc[subject.i + 1 : verb.i])
    )


def _quotative(doc: "Doc", cand: Candidate, like: "Token") -> bool:
    """Quotative *like* before the reported words it introduces: "he texted me, like, Great job
    today", "she's sitting there like, 'Oh, I don't know.'"

    The transcript marks the quotation: a comma after *like* and a capital letter starting the
    reported words mid-sentence (not the pronoun *I* or a name, capitalised anywhere). *Like*
    opening a sentence is left to the model: there a capital follows whatever comes next.
    """
    if _boundary_before(doc.text, cand.start) in ("start", "stop") or _boundary_after(doc.text, cand.end) != "comma":
        return False
    nxt = _neighbour(doc, like.i + 1, 1)
    return (
        nxt is not None
        and nxt.text[:1].isupper()
        and not re.match(r"I\b", nxt.text)
        and nxt.pos_ != "PROPN"
    )


def _such_as(doc: "Doc", cand: Candidate, prev: "Token") -> bool:
    """*like* meaning "such as" between a noun and the noun phrase that exemplifies it.

    "states like Wisconsin", "someone like George W Bush", "people like you": a noun right
    before, a noun phrase right after (not a possessive: "a kid like my first movie" is
    ambiguous), no punctuation on either side.
    """
    nxt = _neighbour(doc, prev.i + 2, 1)
    return (
        prev.pos_ in ("NOUN", "PROPN")
        and nxt is not None
        and nxt.pos_ in _NOUN_PHRASE_START
        and nxt.tag_ != "PRP$"
        and _boundary_before(doc.text, cand.start) == "none"
        and _boundary_after(doc.text, cand.end) == "none"
    )


@dataclass(frozen=True)
class ContextModel:
    """The trained model for discourse fillers, with its decision threshold.

    Two classifiers vote with equal weight (:func:`combine`): gradient boosting over the parse
    features of :func:`candidate_features`, and a logistic regression (``head``) over the
    contextual vector of the occurrence from layer ``layer`` of the bundled ``encoder``
    (:func:`analyzer.encoder.load_context_encoder`) and the word itself. A model without a head
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
        probabilities = self.pipeline.predict_proba(list(features))[:, 1]
        if self.head is not None:
            from analyzer.encoder import load_context_encoder

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


def fillers_for(ctx: "AnswerContext") -> list[Annotation]:
    """The fillers of the context's answer, detected once and shared between checks."""

    def compute() -> list[Annotation]:
        utterance = ctx.answer.answer
        return detect_fillers(
            ctx.doc,
            ctx.settings.get("fillers", {}),
            words=utterance.words,
            silences=ctx.silences_within(utterance.start_s, utterance.end_s),
        )

    return ctx.memo("fillers", compute)


WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
"""A spoken word: letters or digits, with inner apostrophes or hyphens ("don't", "mm-hmm")."""


def count_words(text: str) -> int:
    return sum(1 for _ in WORD_RE.finditer(text))


@dataclass(frozen=True)
class FillerDensity:
    """How many fillers an answer has, for its length in words and (when timed) minutes."""

    count: int
    words: int
    per_100_words: float
    per_minute: float | None

    def metrics(self) -> dict[str, Any]:
        return {
            "fillers": self.count,
            "fillers_per_100_words": round(self.per_100_words, 2),
            "fillers_per_minute": None if self.per_minute is None else round(self.per_minute, 2),
        }


def filler_density(fillers: Sequence[Annotation], text: str, duration_s: float | None) -> FillerDensity:
    """Fillers per 100 words, and per minute of the answer when its duration is known."""
    words = count_words(text)
    per_minute = len(fillers) * 60.0 / duration_s if duration_s else None
    return FillerDensity(len(fillers), words, 100.0 * len(fillers) / words if words else 0.0, per_minute)
