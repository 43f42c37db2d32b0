"""What a speaker admits about their own knowledge, read from spaCy's dependency parse.

The helpers answer, for a token of a parsed answer: is it negated ("I don't know", "not sure",
"no idea"), softened ("not really", "don't know much"), and is its subject the speaker ("I")?
The ``unprepared`` and ``non-answer`` checks build on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

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


IGNORANCE = frozenset({"know", "sure", "idea", "clue", "remember", "recall", "certain"})
_CORE_BRANCHES = frozenset({"conj", "cc", "advcl", "parataxis", "punct", "xcomp", "npadvmod", "prep"})


def ignorance_admissions(doc: "Doc") -> list[tuple["Token", "Token"]]:
    """(word, its negation) for each "I don't know", "not sure", "no idea", "can't remember" the speaker
    says (a bare "No idea." without a subject counts)."""
    found = []
    for token in doc:
        if token.lemma_.lower() not in IGNORANCE:
            continue
        negation = negation_of(token)
        if negation is None:
            continue
        subjectless = not any(c.dep_ in {"nsubj", "nsubjpass"} for head in scope_chain(token) for c in head.children)
        if speaker_subject(token) or subjectless:
            found.append((token, negation))
    return found


def admission_core(token: "Token") -> list["Token"]:
    """The words of the admission itself ("I don't know the exact figure"), without what it goes on to
    (", but I'd estimate...", ", to be honest")."""
    top = token
    for head in scope_chain(token):  # up to the admission's own clause: the first head with a subject
        top = head
        if any(c.dep_ in {"nsubj", "nsubjpass"} for c in head.children):
            break
    core = {top.i}
    stack = [top]
    while stack:
        head = stack.pop()
        for child in head.children:
            after = head.i == top.i and child.i > token.i
            run_on = child.dep_ == "ccomp" and any(t.is_punct for t in top.doc[token.i + 1:child.left_edge.i])
            if after and (child.dep_ in _CORE_BRANCHES or run_on):
                continue
            core.add(child.i)
            stack.append(child)
    return [top.doc[i] for i in sorted(core)]
