"""Negative talk about former employers: clause splitting, features, model, training.

An answer is parsed with spaCy and cut into units: its sentences and, inside them, the
independent clauses (coordinated or subordinated clauses with a subject of their own;
reported clauses such as "I wouldn't say it was terrible" stay whole so that negation
and softening keep their scope). Each unit is scored by a logistic regression over

* TF-IDF n-grams of a normalised token stream: target words become their group
  (``T_management``, ``T_colleagues`` ...), third-person pronouns become ``PRON3`` and words
  inside the scope of a negation get a ``NOT_`` prefix;
* dense features: VADER sentiment, whether a target (or, when the question is about a
  former job, "they"/"he"/"she") is the subject, negation, first-person subject,
  hostility markers (insults, profanity, contempt, blame) and constructive phrasing.

The model is trained by ``scripts/train_negativity.py`` on ``models/negativity_examples.jsonl``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan, Token

MODEL_FILE = "negativity.joblib"
EXAMPLES_FILE = "negativity_examples.jsonl"
MODEL_FORMAT = 1

# Lemmas that name a possible target of badmouthing, by group.
TARGET_GROUPS: dict[str, frozenset[str]] = {
    "management": frozenset(
        "boss manager management supervisor leadership leader lead director executive exec ceo cfo "
        "cto coo vp founder owner president principal foreman chief head hr administration board "
        "partner superior editor chair trainer dentist".split()
    ),
    "colleagues": frozenset(
        "colleague coworker co-worker teammate peer staff people everyone everybody guy folk "
        "employee engineer developer nurse doctor worker associate rep consultant dispatcher".split()
    ),
    "team": frozenset("team department crew division office group unit".split()),
    "company": frozenset(
        "company employer firm organisation organization place business startup agency corporation "
        "outfit workplace store shop restaurant hospital school bank clinic practice studio hotel "
        "headquarters factory plant warehouse club charity airline lab museum".split()
    ),
    "clients": frozenset("client customer patient guest user parent account".split()),
    "job": frozenset("job role position pay salary wage hours workload culture environment overtime".split()),
}
_TARGET_OF = {lemma: group for group, lemmas in TARGET_GROUPS.items() for lemma in lemmas}
_PRON3 = frozenset({"they", "them", "he", "him", "she", "her", "theirs", "their"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl"})
_CLAUSE_DEPS = frozenset({"conj", "advcl", "parataxis"})

# Hostility markers: what raises a complaint to an insult. Patterns are matched on lower-case text.
MARKERS: dict[str, re.Pattern[str]] = {
    "insult": re.compile(
        r"\b(idiots?|morons?|fools?|clowns?|jerks?|incompetent|useless|pathetic|stupid|dumb(est)?|clueless|"
        r"liars?|crooks?|snakes?|creeps?|tyrants?|bull(y|ies)|dictators?|narcissists?|amateurs?|slackers?|"
        r"cowards?|spineless|losers?|lazy|cheapskates?|waste of space|piece of work|two-faced|backstabbing)\b"
    ),
    "profanity": re.compile(
        r"\b(damn(ed)?|hell|crap(py)?|shit\w*|suck(s|ed)?|screw(ed)? (it )?up|bullshit|pissed|f+u+c+k\w*|ass(holes?)?|bloody)\b"
    ),
    "contempt": re.compile(
        r"\b(a (total |complete |absolute )?joke|circus|garbage|dump|trash|nightmare|toxic|dirt|"
        r"couldn't care less|bunch of|pack of|sinking ship|hopeless|disaster)\b"
    ),
    "blame": re.compile(
        r"\b(their fault|(his|her) fault|blam(e|ed|ing)|under the bus|pointed fingers|pointing fingers|"
        r"scapegoat|because of them|took credit|take credit|had it in for)\b"
    ),
}
_SOFTENER = re.compile(r"\b(a bit|a little|kind of|sort of|somewhat|not very|not the most|could be|at times|sometimes|wasn't great|weren't great|not great)\b")
SOFTENER_REACH_CHARS = 16
"""A softener hedges an insult or harsh word that starts at most this far after it ("kind of a bit
useless", "a little rude", "sort of the worst")."""
_HARSH = re.compile(r"\b(awful|terrible|horrible|horribly|worst|miserable|hate[ds]?|cruel|vindictive|corrupt|dishonest|abusive|unbearable|insufferable|nasty|greedy|rude)\b")
_CONSTRUCTIVE = re.compile(
    r"\b(looking for|look for|looked for|wanted|want to|grow|growth|learn(ed|t)?|opportunity|challenge|"
    r"ready (for|to)|next step|move into|focus on|taught me|grateful|appreciated?|develop)\b"
)
_LEAVING_QUESTION = re.compile(r"\b(leav(e|ing)|left|quit|let go|fired|move on|moving on|only stay|gap)\b", re.I)
_JOB_QUESTION = re.compile(
    r"\b(previous|former|last|old|current|past)\s+(\w+\s+)?(job|role|position|employer|company|manager|boss|"
    r"supervisor|team|coworkers|colleagues|workplace|firm|organi[sz]ation)\b"
    r"|\byour (manager|boss|supervisor|coworkers|colleagues|team)\b"
    r"|\bwhat didn't you like\b",
    re.I,
)
_EDGE_WORDS = frozenset(
    "um uh er erm uhm hmm so well honestly frankly yeah basically anyway like and but because plus or "
    "actually just".split()
)

COMPLAINT_KINDS: dict[str, re.Pattern[str]] = {
    "pay": re.compile(r"\b(pay|paid|paying|salary|wages?|raises?|bonus(es)?|money|underpaid|cheap|stingy|cheapskate|overtime)\b"),
    "workload": re.compile(r"\b(hours|workload|weekends?|overworked|burn(ed|t)? out|shifts?|understaffed|all their work|doing all)\b"),
    "clients": re.compile(r"\b(clients?|customers?|patients?|guests?|parents)\b"),
    "management": re.compile(
        r"\b(boss|manager|management|supervisor|leadership|leaders?|lead|director|executives?|ceo|cfo|vp|founders?|"
        r"owners?|principal|foreman|chief|head|hr|administration|board|partners|in charge|at the top)\b"
    ),
    "colleagues": re.compile(r"\b(colleagues?|coworkers?|co-workers?|teammates?|team|crew|peers?|staff|people|everyone|everybody)\b"),
}


def question_about_leaving(question: str | None) -> bool:
    """Does the question ask why the candidate left (or is leaving) a job?"""
    return bool(question and _LEAVING_QUESTION.search(question))


def question_about_job(question: str | None) -> bool:
    """Does the question ask about a former or current job, employer or manager?"""
    return question_about_leaving(question) or bool(question and _JOB_QUESTION.search(question))


def markers_in(text: str) -> list[tuple[str, str]]:
    """Hostility markers in ``text`` as ``(kind, words)`` pairs, in order of appearance."""
    lower = text.lower()
    found = [(m.start(), kind, m.group(0)) for kind, pattern in MARKERS.items() for m in pattern.finditer(lower)]
    return [(kind, words) for _, kind, words in sorted(found)]


def intensity_of(text: str, probability: float) -> int:
    """1 = mild complaint, 2 = harsh criticism, 3 = hostile (insult, profanity, contempt, blame).

    Softeners ("a bit", "kind of") lower the level by one, except for profanity. A softener hedges
    the insult or harsh word it comes just before ("kind of useless"), not one elsewhere in the
    clause ("the useless manager, we had a warehouse, sort of").
    """
    lower = text.lower()
    marks = markers_in(lower)
    compound = _vader().polarity_scores(text)["compound"]
    verdicts = [m.start() for pattern in (*MARKERS.values(), _HARSH) for m in pattern.finditer(lower)]
    if marks:
        level = 3
    elif verdicts or compound <= -0.5 or probability >= 0.9:
        level = 2
    else:
        level = 1
    softeners = [m.end() for m in _SOFTENER.finditer(lower)]
    if verdicts:
        softened = any(0 <= v - s <= SOFTENER_REACH_CHARS for s in softeners for v in verdicts)
    else:
        softened = bool(softeners)
    if softened and not any(kind == "profanity" for kind, _ in marks):
        level = max(1, level - 1)
    return level


def complaint_kind(text: str, target_group: str) -> str:
    """What the complaint is about: pay, workload, clients, management, colleagues or company."""
    lower = text.lower()
    for kind, pattern in COMPLAINT_KINDS.items():
        if pattern.search(lower):
            return kind
    return {"management": "management", "colleagues": "colleagues", "team": "colleagues", "clients": "clients"}.get(
        target_group, "company"
    )


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# ---------------------------------------------------------------- units (sentences and clauses)


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
    return token.dep_ == "parataxis" or any(c.dep_ in _SUBJECT_DEPS for c in token.children)


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


# ---------------------------------------------------------------- features


def _negated(token: "Token", span: "SpacySpan") -> bool:
    """Is ``token`` in the scope of a negation: a "not"/"never" that precedes it and
    hangs off the token or one of its ancestors inside ``span``?"""
    node = token
    while True:
        if any(c.dep_ == "neg" and c.i < token.i for c in node.children):
            return True
        if node.head.i == node.i or not (span.start <= node.head.i < span.end):
            return False
        node = node.head


def _lexical_target(token: "Token") -> str | None:
    if token.pos_ not in {"NOUN", "PROPN", "PRON"}:
        return None
    return _TARGET_OF.get(token.lemma_.lower()) or _TARGET_OF.get(token.lower_)


def _target_group(token: "Token") -> str | None:
    """The target group a token names; a possessor or modifier of something else
    ("the client's data", "the company car") is not itself the target."""
    group = _lexical_target(token)
    if group and token.dep_ in {"poss", "compound"} and token.head.i != token.i and not _lexical_target(token.head):
        return None
    return group


def _negated_at(span: "SpacySpan", start: int, end: int) -> bool:
    tokens = span.char_span(start, end, alignment_mode="expand")
    return tokens is not None and any(_negated(t, span) for t in tokens)


def _asserted_markers(span: "SpacySpan") -> list[tuple[str, str]]:
    """Hostility markers of ``span`` that are not inside the scope of a negation."""
    out = []
    for kind, words in markers_in(span.text):
        start = span.text.lower().find(words)
        if not _negated_at(span, start, start + len(words)):
            out.append((kind, words))
    return out


def normalised_tokens(span: "SpacySpan") -> str:
    """The token stream the TF-IDF model sees (targets grouped, negation scope marked)."""
    out = []
    for tok in span:
        if tok.is_punct or tok.is_space:
            continue
        group = _target_group(tok)
        word = f"T_{group}" if group else "PRON3" if tok.lower_ in _PRON3 else tok.lower_
        out.append(f"NOT_{word}" if tok.dep_ != "neg" and _negated(tok, span) else word)
    return " ".join(out)


def mentions_target(doc: "Doc") -> bool:
    return any(_target_group(t) for t in doc)


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
    return [t for t in span if t.dep_ in _SUBJECT_DEPS and t.head.i in predicates]


def dense_features(span: "SpacySpan", job_context: bool) -> dict[str, float]:
    """Sentiment, target, negation and marker features of one unit.

    ``job_context``: the question is about a former job, or the answer names a target,
    so "they"/"he"/"she" most likely refer to the employer or a manager.
    """
    text = span.text
    lower = text.lower()
    vader = _vader().polarity_scores(text)
    lexicon = _vader().lexicon
    valence = {"asserted_neg": 0.0, "asserted_pos": 0.0, "negated_neg": 0.0, "negated_pos": 0.0}
    for tok in span:
        value = lexicon.get(tok.lower_, 0.0)
        if value:
            scope = "negated" if _negated(tok, span) else "asserted"
            valence[f"{scope}_{'neg' if value < 0 else 'pos'}"] += abs(value) / 4.0
    subjects = _main_subjects(span)
    subject_words = {w for s in subjects for w in [s, *s.children] if w.dep_ in _SUBJECT_DEPS | {"poss", "compound"}}
    subject_words |= {  # "a boss who was horrible": the relative pronoun stands for the noun
        t.head.head for t in span if t.lower_ in {"who", "that"} and t.dep_ in _SUBJECT_DEPS and t.head.dep_ == "relcl"
    }
    target_subject = any(_target_group(w) for w in subject_words)
    pron3_subject = any(s.lower_ in _PRON3 for s in subjects)
    first_subject = any(s.lower_ == "i" for s in subjects)
    explicit = any(_target_group(t) for t in span)
    implied = pron3_subject and job_context
    any_target = explicit or implied
    badness = min(2.0, valence["asserted_neg"] + valence["negated_pos"])
    goodness = min(2.0, valence["asserted_pos"] + valence["negated_neg"])
    marks = _asserted_markers(span)
    harsh = [m for m in _HARSH.finditer(lower) if not _negated_at(span, m.start(), m.end())]
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
        "badness_about_target": badness * any_target,
        "badness_about_target_subject": badness * (target_subject or implied),
        "goodness_about_target": goodness * any_target,
        "first_person_subject": float(first_subject),
        "badness_about_self": badness * first_subject,
        "negated": float(any(t.dep_ == "neg" for t in span)),
        "markers": float(len(marks)),
        "markers_about_target": float(len(marks)) * any_target,
        "harsh_words": float(len(harsh)),
        "softened": float(bool(_SOFTENER.search(lower))),
        "constructive": float(len(_CONSTRUCTIVE.findall(lower))),
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
        if not (t.dep_ == "amod" and (_vader().lexicon.get(t.lower_, 0.0) < 0 or markers_in(t.lower_)))
    ]
    words = ["your" if w in {"my", "our"} else w for w in words]
    return " ".join(words)


_PERSON_GROUPS = frozenset({"management", "colleagues", "clients"})


def describe_target(span: "SpacySpan", question: str | None) -> tuple[str, str]:
    """Who a negative unit is about: a phrase for the message and the target group.

    Prefers a target word in the unit (its subject first), then what a "they"/"he"/"she"
    subject refers back to earlier in the answer, then the target the question names
    ("What was your last manager like?"), else the former employer."""
    for tok in sorted(span, key=lambda t: (t.dep_ not in _SUBJECT_DEPS, _target_group(t) == "job", t.i)):
        if tok.lower_ in {"who", "that"} and tok.head.dep_ == "relcl":
            tok = tok.head.head
        group = _target_group(tok)
        if group:
            if tok.dep_ in _SUBJECT_DEPS:  # "X, and our manager, she kept ...": the pronoun is the subject
                later = [c for c in tok.head.children if c.dep_ in _SUBJECT_DEPS and c.lower_ in _PRON3 and c.i > tok.i]
                personal = bool(later) and later[0].lower_ in {"he", "she", "him", "her"}
                for near in reversed(span.doc[tok.i : later[0].i] if later else []):
                    near_group = _target_group(near)
                    if near_group and (near_group in _PERSON_GROUPS or not personal):
                        return _phrase(near), near_group
            return _phrase(tok), group
    pronouns = [t.lower_ for t in span if t.dep_ in _SUBJECT_DEPS and t.lower_ in _PRON3]
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


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class ScoredUnit:
    """One scored unit with character offsets into the answer text."""

    start: int
    end: int
    text: str
    kind: str
    probability: float


@dataclass
class NegativityModel:
    """The fitted vectorisers and classifier (what ``models/negativity.joblib`` holds)."""

    tfidf: Any
    features: Any
    classifier: Any

    def probabilities(self, spans: Sequence["SpacySpan"], job_context: Sequence[bool]) -> list[float]:
        if not spans:
            return []
        matrix = self._matrix(spans, job_context)
        return [float(p) for p in self.classifier.predict_proba(matrix)[:, 1]]

    def _matrix(self, spans: Sequence["SpacySpan"], job_context: Sequence[bool]) -> Any:
        from scipy.sparse import hstack

        texts = [normalised_tokens(s) for s in spans]
        dense = [dense_features(s, c) for s, c in zip(spans, job_context)]
        return hstack([self.tfidf.transform(texts), self.features.transform(dense)]).tocsr()

    def score_answer(self, doc: "Doc", question: str | None) -> list[ScoredUnit]:
        """Every unit of the answer with its probability of being employer negativity."""
        context = question_about_job(question) or mentions_target(doc)
        units = units_of(doc)
        spans = [doc[u.start : u.end] for u in units]
        probs = self.probabilities(spans, [context] * len(spans))
        return [
            ScoredUnit(s.start_char, s.end_char, s.text, u.kind, p) for u, s, p in zip(units, spans, probs)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "tfidf": self.tfidf, "features": self.features, "classifier": self.classifier}


def offending_units(scored: Sequence[ScoredUnit], threshold: float) -> list[ScoredUnit]:
    """The clauses to annotate: clauses at or above the threshold, and whole sentences
    at or above it that contain no such clause. Sorted, without overlaps."""
    hits = [u for u in scored if u.probability >= threshold]
    clauses = [u for u in hits if u.kind == "clause"]
    chosen = list(clauses)
    for sent in (u for u in hits if u.kind == "sentence"):
        if not any(sent.start <= c.start and c.end <= sent.end for c in clauses):
            chosen.append(sent)
    chosen.sort(key=lambda u: (u.start, -u.end))
    out: list[ScoredUnit] = []
    for unit in chosen:
        if out and unit.start < out[-1].end:
            continue
        out.append(unit)
    return out


@lru_cache(maxsize=1)
def load_model() -> NegativityModel:
    """The bundled model (``models/negativity.joblib``), loaded once."""
    import joblib

    from analyzer.errors import ModelMissingError
    from analyzer.resources import model_file

    data = joblib.load(model_file(MODEL_FILE))
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelMissingError(f"{MODEL_FILE} has an unknown format; rebuild it with scripts/train_negativity.py")
    return NegativityModel(data["tfidf"], data["features"], data["classifier"])


# ---------------------------------------------------------------- training data and training


@dataclass(frozen=True)
class Example:
    """One labelled item of ``models/negativity_examples.jsonl``."""

    id: str
    text: str
    question: str | None
    label: int
    category: str
    intensity: int
    split: str


def load_examples(path: Path | None = None) -> list[Example]:
    from analyzer.resources import model_file

    path = path or model_file(EXAMPLES_FILE)
    with open(path, encoding="utf-8") as fh:
        return [Example(**json.loads(line)) for line in fh if line.strip()]


def train(examples: Iterable[Example], c: float = 1.0, seed: int = 0) -> NegativityModel:
    """Fit the vectorisers and a logistic regression on whole examples (deterministic)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from analyzer.nlp import load_spacy

    examples = list(examples)
    nlp = load_spacy()
    docs = list(nlp.pipe([e.text for e in examples]))
    spans = [d[:] for d in docs]
    context = [question_about_job(e.question) or mentions_target(d) for e, d in zip(examples, docs)]
    tfidf = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True)
    features = DictVectorizer()
    matrix = hstack(
        [
            tfidf.fit_transform([normalised_tokens(s) for s in spans]),
            features.fit_transform([dense_features(s, c_) for s, c_ in zip(spans, context)]),
        ]
    ).tocsr()
    classifier = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000)
    classifier.fit(matrix, [e.label for e in examples])
    return NegativityModel(tfidf, features, classifier)


def predict_examples(model: NegativityModel, examples: Iterable[Example]) -> list[float]:
    """Answer-level probability of each example: the highest of its units, as the check sees it."""
    from analyzer.nlp import load_spacy

    examples = list(examples)
    docs = load_spacy().pipe([e.text for e in examples])
    out = []
    for example, doc in zip(examples, docs):
        scored = model.score_answer(doc, example.question)
        out.append(max((u.probability for u in scored), default=0.0))
    return out
