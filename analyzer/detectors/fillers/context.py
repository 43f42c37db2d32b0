"""What the parse says about one occurrence of a discourse filler: features for the model, and
grammatical uses that are never fillers ("I like Python", "it looks like rain")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.detectors.fillers.lexicon import Candidate
from analyzer.text.lexicon import is_hesitation
from analyzer.text.nlp import sentence_of, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_CLOSED_CLASS = {"PRON", "AUX", "DET", "ADP", "CCONJ", "SCONJ", "PART", "INTJ"}
_CONTEXT_LEMMAS = {
    "be", "look", "seem", "sound", "feel", "say", "go", "think", "know", "mean", "do",
    "have", "get", "want", "thing", "stuff", "just", "really", "very", "not",
}
_OBJECT_DEPS = {"dobj", "pobj", "ccomp", "xcomp", "acomp", "attr", "prep", "advcl"}


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
    text = text_of(doc)
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
    sent = sentence_of(first)
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
        "near_hesitation": float(any(is_hesitation(t.text) for t in window if t not in span)),
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
    text = text_of(doc)

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
    if _boundary_before(text_of(doc), cand.start) in ("start", "stop") or _boundary_after(text_of(doc), cand.end) != "comma":
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
        and _boundary_before(text_of(doc), cand.start) == "none"
        and _boundary_after(text_of(doc), cand.end) == "none"
    )
