"""The units an answer is scored by: its sentences and the independent clauses inside them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.detectors.negativity.lexicon import SUBJECT_DEPS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_CLAUSE_DEPS = frozenset({"conj", "advcl", "parataxis"})
_EDGE_WORDS = frozenset(
    "um uh er erm uhm hmm so well honestly frankly yeah basically anyway like and but because plus or "
    "actually just".split()
)


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
    return token.dep_ == "parataxis" or any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _trim(doc: "Doc", start: int, end: int) -> tuple[int, int]:
    """Drop punctuation, conjunctions and fillers from both edges of a token range."""

    def edge(i: int) -> bool:
        tok = doc[i]
        return tok.is_punct or tok.is_space or tok.dep_ == "cc" or tok.lower_ in _EDGE_WORDS

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
