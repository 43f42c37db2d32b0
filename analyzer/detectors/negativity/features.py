"""What the classifier sees of a unit besides its sentence vector (sentiment, workplace targets, negation, markers),
and who a negative unit is about."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from analyzer.detectors.negativity.lexicon import (
    CONSTRUCTIVE,
    HARSH,
    PRON3,
    SOFTENER,
    TARGET_OF,
    markers_in,
)
from analyzer.text.clauses import SUBJECT_DEPS
from analyzer.text.sentiment import polarity_scores, sentiment_analyzer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

def negation_scope(span: "SpacySpan") -> frozenset[int]:
    """Indices of the tokens of ``span`` in the scope of a negation: a "not"/"never" that precedes
    the token and hangs off the token or one of its ancestors inside ``span``.

    One pass over the span (each token's nearest negation along its chain of heads is computed once
    and shared with the tokens below it), so a long coordination ("and more and more ...", a chain
    as deep as the span is long) costs linear time, not quadratic."""
    start, end = span.start, span.end
    nearest: dict[int, float] = {}  # token -> index of the earliest "neg" child on its chain of heads
    for token in span:
        path, node = [], token
        while node.i not in nearest:
            path.append(node)
            if node.head.i == node.i or not (start <= node.head.i < end):
                break
            node = node.head
        above = nearest.get(node.i, math.inf)
        for walked in reversed(path):
            above = min(above, min((c.i for c in walked.children if c.dep_ == "neg"), default=math.inf))
            nearest[walked.i] = above
    return frozenset(i for i in range(start, end) if nearest[i] < i)


def _lexical_target(token: "Token") -> str | None:
    if token.pos_ not in {"NOUN", "PROPN", "PRON"}:
        return None
    return TARGET_OF.get(token.lemma_.lower()) or TARGET_OF.get(token.lower_)


def _target_group(token: "Token") -> str | None:
    """The target group a token names; a possessor or modifier of something else
    ("the client's data", "the company car") is not itself the target."""
    group = _lexical_target(token)
    if group and token.dep_ in {"poss", "compound"} and token.head.i != token.i and not _lexical_target(token.head):
        return None
    return group


def _negated_at(span: "SpacySpan", negated: frozenset[int], start: int, end: int) -> bool:
    tokens = span.char_span(start, end, alignment_mode="expand")
    return tokens is not None and any(t.i in negated for t in tokens)


def _asserted_markers(span: "SpacySpan", negated: frozenset[int]) -> list[tuple[str, str]]:
    """Hostility markers of ``span`` that are not inside the scope of a negation."""
    out = []
    for kind, words in markers_in(span.text):
        start = span.text.lower().find(words)
        if not _negated_at(span, negated, start, start + len(words)):
            out.append((kind, words))
    return out


_GENERIC_PEOPLE = frozenset("people everyone everybody guy folk user parent account school hospital bank".split())
"""Target words too general to say by themselves that a workplace is meant."""


def _workplace_target(token: "Token") -> bool:
    return bool(_target_group(token)) and token.lemma_.lower() not in _GENERIC_PEOPLE


def mentions_target(doc: "Doc") -> bool:
    return any(_target_group(t) for t in doc)


_OWN_WORKPLACE = re.compile(
    r"\b(I (used to )?work(ed)? (at|for|in|there)|I was (working|employed) (at|for)|my (old |former |previous |last |first )?"
    r"(job|boss|manager|editor|company|employer|team|colleagues|co-?workers|office|newsroom)|where I worked|when I was at)\b",
    re.I,
)
_UNNAMED_PLACE = re.compile(r"\bthere\b(?!\s*(is|was|are|were|'s|has|have|had)\b)|\b(that|the) place\b", re.I)
"""A place named only by "there" (not the existential "there was") or "that place"."""


def workplace_context(doc: "Doc") -> bool:
    """Does the answer speak of the speaker's own job or workplace ("I worked at", "my old boss")?"""
    return bool(_OWN_WORKPLACE.search(doc.text))


def _unnamed_workplace(span: "SpacySpan", job_context: bool) -> bool:
    """"It was a mess there": a workplace named only by "there"/"that place", in an answer about a job."""
    return job_context and bool(_UNNAMED_PLACE.search(span.text))


def _main_subjects(span: "SpacySpan") -> list["Token"]:
    """Subjects of the unit's main predicates: its root and what is coordinated with it or
    reported by it ("I don't think *they* were bad"), not subjects of relative clauses
    ("the tests *she* suggested caught the worst bugs")."""
    predicates = {span.root.i}
    frontier = [span.root]
    while frontier:
        node = frontier.pop()
        for child in node.children:
            if child.dep_ in {"conj", "ccomp", "xcomp"} and span.start <= child.i < span.end and child.i not in predicates:
                predicates.add(child.i)
                frontier.append(child)
    return [t for t in span if t.dep_ in SUBJECT_DEPS and t.head.i in predicates]


def dense_features(span: "SpacySpan", job_context: bool) -> dict[str, float]:
    """Sentiment, target, negation and marker features of one unit.

    ``job_context``: the question is about a former job, or the answer names a target,
    so "they"/"he"/"she" most likely refer to the employer or a manager.
    """
    text = span.text
    lower = text.lower()
    vader = polarity_scores(text)
    lexicon = sentiment_analyzer().lexicon
    valence = {"asserted_neg": 0.0, "asserted_pos": 0.0, "negated_neg": 0.0, "negated_pos": 0.0}
    negated = negation_scope(span)
    for tok in span:
        value = lexicon.get(tok.lower_, 0.0)
        if value:
            scope = "negated" if tok.i in negated else "asserted"
            valence[f"{scope}_{'neg' if value < 0 else 'pos'}"] += abs(value) / 4.0
    subjects = _main_subjects(span)
    subject_words = {w for s in subjects for w in [s, *s.children] if w.dep_ in SUBJECT_DEPS | {"poss", "compound"}}
    subject_words |= {  # "a boss who was horrible": the relative pronoun stands for the noun
        t.head.head for t in span if t.lower_ in {"who", "that"} and t.dep_ in SUBJECT_DEPS and t.head.dep_ == "relcl"
    }
    target_subject = any(_target_group(w) for w in subject_words)
    pron3_subject = any(s.lower_ in PRON3 for s in subjects)
    first_subject = any(s.lower_ == "i" for s in subjects)
    explicit = any(_target_group(t) for t in span)
    implied = pron3_subject and job_context
    unnamed = _unnamed_workplace(span, job_context)
    any_target = explicit or implied or unnamed
    badness = min(2.0, valence["asserted_neg"] + valence["negated_pos"])
    goodness = min(2.0, valence["asserted_pos"] + valence["negated_neg"])
    marks = _asserted_markers(span, negated)
    harsh = [m for m in HARSH.finditer(lower) if not _negated_at(span, negated, m.start(), m.end())]
    return {
        "vader_negative": max(0.0, -vader["compound"]),
        "vader_positive": max(0.0, vader["compound"]),
        **valence,
        "badness": badness,
        "goodness": goodness,
        "target_explicit": float(explicit),
        "target_subject": float(target_subject),
        "pron3_subject": float(pron3_subject),
        "job_context": float(job_context),
        "implied_target": float(implied),
        "unnamed_workplace": float(unnamed),
        "workplace_target": float(any(_workplace_target(t) for t in span)),
        "badness_about_target": badness * any_target,
        "badness_about_target_subject": badness * (target_subject or implied),
        "goodness_about_target": goodness * any_target,
        "first_person_subject": float(first_subject),
        "badness_about_self": badness * first_subject,
        "negated": float(any(t.dep_ == "neg" for t in span)),
        "markers": float(len(marks)),
        "markers_about_target": float(len(marks)) * any_target,
        "harsh_words": float(len(harsh)),
        "softened": float(bool(SOFTENER.search(lower))),
        "constructive": float(len(CONSTRUCTIVE.findall(lower))),
    }


_QUESTION_TARGETS = (
    (re.compile(r"\b(manager|boss|supervisor|lead|director)\b", re.I), "your former manager", "management"),
    (re.compile(r"\b(coworkers?|colleagues?|team(mates)?)\b", re.I), "your former colleagues", "colleagues"),
)


def _phrase(token: "Token") -> str:
    """The noun phrase around a target word, addressed to the candidate ("my boss" -> "your boss")."""
    chunk = next((c for c in token.doc.noun_chunks if c.start <= token.i < c.end), token.doc[token.i : token.i + 1])
    words = [  # without the verdict: "the useless manager" -> "the manager"
        t.text if t.pos_ == "PROPN" else t.lower_
        for t in chunk
        if not (t.dep_ == "amod" and (sentiment_analyzer().lexicon.get(t.lower_, 0.0) < 0 or markers_in(t.lower_)))
    ]
    words = ["your" if w in {"my", "our"} else w for w in words]
    return " ".join(words)


_PERSON_GROUPS = frozenset({"management", "colleagues", "clients"})


def describe_target(span: "SpacySpan", question: str | None) -> tuple[str, str]:
    """Who a negative unit is about: a phrase for the message and the target group.

    Prefers a target word in the unit (its subject first), then what a "they"/"he"/"she"
    subject refers back to earlier in the answer, then the target the question names
    ("What was your last manager like?"), else the former employer."""
    for tok in sorted(span, key=lambda t: (t.dep_ not in SUBJECT_DEPS, _target_group(t) == "job", t.i)):
        if tok.lower_ in {"who", "that"} and tok.head.dep_ == "relcl":
            tok = tok.head.head
        group = _target_group(tok)
        if group:
            if tok.dep_ in SUBJECT_DEPS:  # "X, and our manager, she kept ...": the pronoun is the subject
                later = [c for c in tok.head.children if c.dep_ in SUBJECT_DEPS and c.lower_ in PRON3 and c.i > tok.i]
                personal = bool(later) and later[0].lower_ in {"he", "she", "him", "her"}
                for near in reversed(span.doc[tok.i : later[0].i] if later else []):
                    near_group = _target_group(near)
                    if near_group and (near_group in _PERSON_GROUPS or not personal):
                        return _phrase(near), near_group
            return _phrase(tok), group
    pronouns = [t.lower_ for t in span if t.dep_ in SUBJECT_DEPS and t.lower_ in PRON3]
    if pronouns:
        personal = pronouns[0] in {"he", "she", "him", "her"}
        for tok in reversed(span.doc[: span.start]):
            group = _target_group(tok)
            if group and (group in _PERSON_GROUPS or not personal):
                return f"{_phrase(tok)} ('{pronouns[0]}')", group
    for pattern, phrase, group in _QUESTION_TARGETS:
        if question and pattern.search(question):
            return phrase, group
    return "your former employer", "company"
