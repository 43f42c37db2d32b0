"""What a speaker admits about their own knowledge, read from spaCy's dependency parse.

The helpers answer, for a token of a parsed answer: is it negated ("I don't know", "not sure",
"no idea"), softened ("not really", "don't know much"), and is its subject the speaker ("I")?
The ``unprepared`` and ``non-answer`` checks build on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

NEGATORS = frozenset({"not", "n't", "never", "no", "nothing", "hardly", "barely"})
SOFTENERS = frozenset({"really", "much", "too", "that", "very", "entirely", "totally", "fully", "quite", "super",
                       "exactly", "lot", "yet", "completely", "100"})
"""Words that soften a negation ("not really sure", "don't know much", "not too familiar")."""
_CLAUSE_LINKS = frozenset({"xcomp", "acomp", "acl", "dobj", "ccomp", "relcl", "attr", "pcomp", "pobj", "prep",
                           "advcl", "conj"})
"""Dependencies that keep a word inside the scope of a negation higher up ("haven't had a chance to look at")."""


def scope_chain(token: "Token", depth: int = 4) -> list["Token"]:
    """``token`` and the heads above it while they stay in one clause (at most ``depth`` steps)."""
    chain = [token]
    while len(chain) <= depth and chain[-1].dep_ in _CLAUSE_LINKS and chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def negation_of(token: "Token") -> "Token | None":
    """The word that negates ``token`` or a head in its clause ("n't" in "I don't know", "no" in
    "no idea", "not" in "I'm not sure"), or None."""
    for head in scope_chain(token):
        for child in head.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return child
    return None


def is_softened(token: "Token", negation: "Token") -> bool:
    """A negation toned down: "not really sure", "don't know much", "not too familiar", "haven't ... yet"."""
    near = {t.lower_ for head in scope_chain(token) for t in head.children
            if t.dep_ in {"advmod", "dobj", "amod", "npadvmod"}}
    after = negation.doc[negation.i + 1].lower_ if negation.i + 1 < len(negation.doc) else ""
    return bool(near & SOFTENERS) or after in SOFTENERS


def speaker_subject(token: "Token") -> bool:
    """Whether the clause of ``token`` has "I" as its subject (looked up through its heads)."""
    for head in scope_chain(token):
        subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            return any(s.lower_ in {"i", "me"} for s in subjects)
    return False


def clause_tokens(token: "Token") -> Iterator["Token"]:
    """The words that depend on ``token`` (its subtree), itself excluded."""
    return (t for t in token.subtree if t.i != token.i)
