"""The clause segmenter: the clauses of an answer, from spaCy's parse.

A clause is a verb with a subject of its own (:func:`has_subject`). Two cuts use it, each the
one its trained model was built on:

* :func:`units_of`: every sentence, and inside it the independent clauses (coordinated or
  subordinated clauses with their own subject; reported clauses such as "I wouldn't say it was
  terrible" stay whole, so that negation and softening keep their scope), with fillers and
  conjunctions trimmed from the edges. The employer-negativity classifier scores each unit.
* :func:`segment_answer`: sentences cut further where run-on speech starts a new clause ("... and
  so I called them"), short pieces merged into a neighbour. The STAR tagger labels each piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.text.lexicon import is_hesitation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl"})
MIN_SEGMENT_WORDS = 3

_DISCOURSE_WORDS = frozenset({"like", "basically", "yeah", "okay", "ok", "right", "well"})
"""Besides hesitations, words that carry no content at the edges of a clause in speech."""
# Words that open a new clause in run-on speech ("... and so I called them").
_CLAUSE_OPENERS = {"and", "so", "but", "then", "because", "which"}


def has_subject(token: "Token") -> bool:
    """Whether ``token`` has a subject of its own among its children."""
    return any(c.dep_ in SUBJECT_DEPS for c in token.children)


_CLAUSE_DEPS = frozenset({"conj", "advcl", "parataxis"})
_EDGE_WORDS = frozenset(
    "so well honestly frankly yeah basically anyway like and but because plus or actually just".split()
)
"""Besides hesitations, words trimmed from the edges of a scoring unit."""


@dataclass(frozen=True)
class Unit:
    """A stretch of the answer that is scored on its own (token range ``[start, end)``)."""

    start: int
    end: int
    kind: str  # "sentence" or "clause"


def _is_clause_head(token: "Token") -> bool:
    if token.dep_ == "ROOT":
        return True
    fronted_ccomp = token.dep_ == "ccomp" and token.i < token.head.i  # "He was awful, I couldn't stay"
    if not (token.dep_ in _CLAUSE_DEPS or fronted_ccomp) or token.pos_ not in {"VERB", "AUX", "ADJ", "NOUN"}:
        return False
    return token.dep_ == "parataxis" or has_subject(token)


def _trim(doc: "Doc", start: int, end: int) -> tuple[int, int]:
    """Drop punctuation, conjunctions and fillers from both edges of a token range."""

    def edge(i: int) -> bool:
        tok = doc[i]
        return tok.is_punct or tok.is_space or tok.dep_ == "cc" or tok.lower_ in _EDGE_WORDS or is_hesitation(tok.text)

    while start < end and edge(start):
        start += 1
    while end > start and edge(end - 1):
        end -= 1
    if end - start >= 2 and doc[end - 2].lower_ == "you" and doc[end - 1].lower_ == "know":
        end -= 2
        while end > start and edge(end - 1):
            end -= 1
    return start, end


def units_of(doc: "Doc") -> list[Unit]:
    """Sentences of ``doc`` and the independent clauses inside them (trimmed token ranges)."""
    units: list[Unit] = []
    for sent in doc.sents:
        heads = [t for t in sent if _is_clause_head(t)]
        s_start, s_end = _trim(doc, sent.start, sent.end)
        if s_end > s_start:
            units.append(Unit(s_start, s_end, "sentence"))
        if len(heads) < 2:
            continue
        head_ids = {t.i for t in heads}
        owner: dict[int, list[int]] = {h: [] for h in head_ids}
        for tok in sent:
            node = tok
            while node.i not in head_ids and node.head.i != node.i:
                node = node.head
            owner.setdefault(node.i, []).append(tok.i)
        for head in sorted(head_ids):
            owned = set(owner[head])
            start, end = head, head + 1  # the run of the head's own tokens around it
            while start - 1 in owned:
                start -= 1
            while end in owned:
                end += 1
            start, end = _trim(doc, start, end)
            if end > start and (start, end) != (s_start, s_end):
                units.append(Unit(start, end, "clause"))
    return units


@dataclass(frozen=True)
class Segment:
    """A clause of an answer: character offsets into the answer text."""

    start: int
    end: int
    text: str


def is_filler(token: "Token") -> bool:
    """Punctuation, a hesitation, an interjection or a discourse word: no content in a clause."""
    return token.is_punct or is_hesitation(token.text) or token.lower_ in _DISCOURSE_WORDS or token.pos_ == "INTJ"


def _clause_start(token: "Token", sent_start: int) -> int:
    """Index where a clause headed by ``token`` begins, pulled back over openers like "and so"."""
    i = token.left_edge.i
    doc = token.doc
    while i - 1 > sent_start and (doc[i - 1].lower_ in _CLAUSE_OPENERS or doc[i - 1].pos_ in ("CCONJ", "INTJ")
                                  or is_filler(doc[i - 1])):
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
        subject = has_subject(token)
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and subject and not _is_purpose(token):
            points.add(_clause_start(token, sent.start))
        elif token.dep_ == "relcl" and token.left_edge.lower_ == "which" and token.doc[token.left_edge.i - 1].is_punct:
            points.add(token.left_edge.i)
        elif token.dep_ == "advcl" and subject and token.left_edge.i > sent.start:
            if token.left_edge.lower_ in ("so", "and", "then") and not _is_purpose(token):
                points.add(_clause_start(token, sent.start))
    return sorted(p for p in points if sent.start < p < sent.end)


def _content_words(doc: "Doc", start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if not is_filler(t))


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
    text = doc.text
    for a, b in merged:
        while a < b - 1 and doc[a].is_punct:  # a clause starts at its first word, not at a comma
            a += 1
        span = doc[a:b]
        start, end = span.start_char, span.end_char
        if text[start:end].strip():
            out.append(Segment(start, end, text[start:end]))
    return out
