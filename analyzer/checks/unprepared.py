"""unprepared: admissions of not having researched the company or the role, or of not knowing one's own CV.

Read from spaCy's parse, not from a list of phrases: a word of knowing or researching ("know",
"sure", "idea", "look at", "research") that is negated, whose subject is the speaker, and whose
clause is about the company ("what you guys do", "your website"), the role ("the job description")
or the candidate's own CV (:mod:`analyzer.text.admissions`). spaCy ``Matcher`` patterns add what
has no negation: asking what the role was "again", deferring to one's CV ("I'd have to check my CV")
and a skim ("I only had a quick look at your website"). Directness sets the severity: a plain
admission (3) is an error, a softened one or a CV deferral (2) a warning, a skim (1) a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, flag, span
from analyzer.datamodel import Annotation, Answer, Severity
from analyzer.text.admissions import is_softened, negation_of, scope_chain, speaker_subject
from analyzer.text.nlp import sentence_of

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Span as SpacySpan, Token

KNOW_US = "What do you know about our company?"

RULE = Rule(
    code="unprepared",
    name="Unprepared",
    summary="Answer admits not having researched the company or the role, or not knowing one's own CV",
    what="Reads the answer's dependency parse for a negated word of knowing or researching ('not sure', "
    "'don't know', 'no idea', 'haven't looked at') said by the candidate about the company, the role or "
    "their own CV, plus spaCy Matcher patterns for asking what the role was again, deferring to the CV and "
    "admitting only a skim. The measured value is the most direct admission: 3 plain, 2 softened or a CV "
    "deferral, 1 a skim.",
    why="Showing up without knowing what the company does or what the role is tells the interviewer the "
    "candidate does not much care; not knowing one's own CV makes every other claim on it doubtful.",
    examples=(
        Example("Honestly, I'm not really sure what you guys do, I just saw the ad and applied.", KNOW_US,
                flagged=True),
        Example("I read your engineering blog and the job description: you build payment tools for small shops, "
                "and the role owns the checkout API.", KNOW_US, flagged=False),
        Example("Sorry, what was the role again? I applied to a few places this week.",
                "Why are you interested in this position?", flagged=True),
        Example("I'd have to check my CV for the dates, I don't remember them.",
                "When did you lead the migration project?", flagged=True),
        Example("I don't know much about Kafka yet, but I set up a small cluster at home to learn it.",
                "Have you used Kafka?", flagged=False),
        Example("I didn't know the company was hiring until a former colleague told me, and I applied that day.",
                "How did you hear about us?", flagged=False),
        Example("I'm not sure I understand your question: do you mean the frontend or the backend work?",
                "How would you split the work?", flagged=False),
    ),
    severity="warning",
    options=(
        Option("min-directness", 1, "Flag admissions at least this direct (1: a skim, 2: softened or a CV "
               "deferral, 3: plain).", minimum=1, maximum=3),
    ),
    annotations=(
        AnnotationKind("unprepared", "Unprepared", "dotted underline",
                       "An admission of not knowing the company, the role or one's own CV."),
    ),
    namespace="unprepared",
    metrics=(
        Metric("admissions", "Admissions of not having prepared found in the answer."),
        Metric("directness", "The most direct admission: 0 none, 1 a skim, 2 softened or a CV deferral, 3 plain."),
    ),
)

TOPIC_NAMES = {"company": "the company", "role": "the role", "cv": "your own CV"}
DIRECTNESS = {1: "only a skim of", 2: "a softened admission of not knowing", 3: "a plain admission of not knowing"}
SEVERITY: dict[int, Severity] = {1: "info", 2: "warning", 3: "error"}
RESEARCH = {
    "company": "Research the company before the interview: what it sells and to whom (its product pages), its "
    "mission, one recent launch or news item and its main competitors; prepare one sentence on what they do "
    "and why it draws you.",
    "role": "Reread the job description: the title, the team, the three main responsibilities and the skills "
    "it asks for, and match one of your stories to each.",
    "cv": "Go over your own CV line by line: dates, job titles, the tools you list and one number per project, "
    "so you can speak to any line of it without checking.",
}

KNOWING = frozenset({"know", "sure", "familiar", "aware", "remember", "recall", "idea", "clue", "certain",
                     "research", "look", "read", "check", "prepare", "google", "study", "homework", "see",
                     "review", "browse", "chance", "time", "opportunity"})
COMPANY_NOUNS = frozenset({"company", "organisation", "organization", "firm", "business", "startup", "website",
                           "site", "product", "service", "mission", "value", "client", "customer", "team", "stack",
                           "platform", "history", "culture", "app", "tool", "market", "brand", "founder",
                           "industry", "work", "offering"})
CORE_COMPANY = frozenset({"company", "organisation", "organization", "firm", "business", "startup", "website"})
ROLE_NOUNS = frozenset({"role", "position", "job", "vacancy", "opening", "posting", "description",
                        "responsibility", "ad", "advert", "post", "title"})
CV_WORDS = frozenset({"cv", "resume", "résumé", "application"})
_ABOUT_YOU_VERBS = frozenset({"do", "make", "sell", "build", "offer", "provide", "work", "focus"})
_WH = frozenset({"what", "which", "how", "who", "where"})


@dataclass(frozen=True)
class Admission:
    """One admission: where, about what, how direct."""

    start: int
    end: int
    text: str
    topic: str
    directness: int


def _topic_of(noun: "Token") -> str | None:
    """The topic a noun (or "you") in an admission's clause names, or None."""
    lower, lemma = noun.lower_, noun.lemma_.lower()
    own = {c.lower_ for c in noun.children if c.dep_ in {"poss", "det"}}
    if lower in CV_WORDS or lemma in CV_WORDS:
        return "cv" if "my" in own or lower == "cv" else None
    clause = noun.head
    wh_clause = any(t.lower_ in _WH for t in clause.subtree)
    counted = noun.dep_ in {"dobj", "pobj", "attr", "appos", "conj", "compound"} or (
        noun.dep_ in {"nsubj", "nsubjpass"} and wh_clause)
    if lower == "you" or lower == "guys":
        about = noun.dep_ == "pobj" and noun.head.lower_ in {"about", "on", "into", "at", "of"}
        does = noun.dep_ in {"nsubj", "nmod"} and wh_clause and (
            clause.lemma_ in _ABOUT_YOU_VERBS or clause.head.lemma_ in _ABOUT_YOU_VERBS)
        return "company" if about or does else None
    if not counted:
        return None
    if lemma in ROLE_NOUNS and (own & {"the", "this", "your", "that"} or noun.dep_ == "compound"
                                or any(c.lemma_ == "job" for c in noun.children)):
        return "role"
    if lemma in COMPANY_NOUNS and ("your" in own or lemma in CORE_COMPANY and own & {"the", "this", "your"}):
        return "company"
    return None


def _clause_topic(top: "Token") -> str | None:
    topics = [t for t in (_topic_of(w) for w in top.subtree) if t]
    return topics[0] if topics else None


_GENERIC_OBJECTS = frozenset({"much", "anything", "enough", "lot", "it", "this", "that", "interview"})


def _preparation_topic(token: "Token") -> str | None:
    """A general admission ("I didn't prepare much for this", "I didn't do any research"): the company."""
    if token.lemma_ not in {"prepare", "research", "homework"}:
        return None
    objects = [c for c in token.children if c.dep_ == "dobj"]
    return "company" if all(o.lower_ in _GENERIC_OBJECTS for o in objects) else None


def _negated_admissions(doc: "Doc") -> list[tuple["SpacySpan", str, int]]:
    """Negated knowing or researching by the speaker, about the company, role or CV."""
    found: list[tuple[SpacySpan, str, int]] = []
    seen: set[int] = set()
    for token in doc:
        if token.lemma_.lower() not in KNOWING:
            continue
        negation = negation_of(token)
        if negation is None or not speaker_subject(token):
            continue
        top = scope_chain(token)[-1]
        if top.i in seen:
            continue
        topic = _clause_topic(top) or _preparation_topic(token)
        if topic is None:
            continue
        seen.add(top.i)
        sent = sentence_of(token)
        level = 2 if topic == "cv" or is_softened(token, negation) else 3
        found.append((sent, topic, level))
    return found


@lru_cache(maxsize=1)
def _matcher() -> "Matcher":
    from spacy.matcher import Matcher

    from analyzer.text.nlp import load_spacy

    matcher = Matcher(load_spacy().vocab)
    role = {"LEMMA": {"IN": sorted(ROLE_NOUNS | {"company"})}}
    any_words = {"IS_PUNCT": False, "OP": "{0,4}"}
    matcher.add("role-again", [[{"LOWER": {"IN": ["what", "which"]}}, any_words, role, any_words, {"LOWER": "again"}],
                               [{"LEMMA": "remind"}, {"LOWER": "me"}, any_words, role]])
    matcher.add("cv", [[{"LEMMA": {"IN": ["have", "need", "want"]}}, {"LOWER": "to"},
                        {"LEMMA": {"IN": ["check", "look", "see", "consult", "pull", "open"]}},
                        {"OP": "{0,4}"}, {"LOWER": {"IN": sorted(CV_WORDS - {"application"})}}]])
    matcher.add("skim", [[{"LOWER": {"IN": ["only", "just", "briefly"]}}, {"OP": "{0,3}"},
                          {"LEMMA": {"IN": ["skim", "glance", "look", "browse", "scan"]}}, {"OP": "{0,4}"},
                          {"LEMMA": {"IN": sorted(CORE_COMPANY | ROLE_NOUNS | {"site", "page", "linkedin"})}}],
                         [{"LEMMA": {"IN": ["skim", "skimmed"]}}, {"OP": "{0,3}"},
                          {"LEMMA": {"IN": sorted(CORE_COMPANY | ROLE_NOUNS | {"site", "page"})}}]])
    return matcher


_MATCH_TOPIC = {"role-again": ("role", 3), "cv": ("cv", 2), "skim": ("company", 1)}


def admissions_in(doc: "Doc") -> list[Admission]:
    """Every admission of not having prepared in a parsed answer, one per sentence and topic (the most direct)."""
    by_sentence: dict[tuple[int, str], Admission] = {}
    candidates = list(_negated_admissions(doc))
    matcher = _matcher()
    for match_id, start, end in matcher(doc):
        name = doc.vocab.strings[match_id]
        topic, level = _MATCH_TOPIC[name]
        if name == "skim" and any(t.lemma_ in ROLE_NOUNS for t in doc[start:end]):
            topic = "role"
        candidates.append((sentence_of(doc[start]), topic, level))
    for sent, topic, level in candidates:
        best = by_sentence.get((sent.start, topic))
        if best is None or level > best.directness:
            text = sent.text.rstrip()
            by_sentence[(sent.start, topic)] = Admission(sent.start_char, sent.start_char + len(text), text, topic, level)
    return [by_sentence[k] for k in sorted(by_sentence)]


def _suggestion(found: list[Admission]) -> str:
    topics = list(dict.fromkeys(a.topic for a in sorted(found, key=lambda a: -a.directness)))
    return " ".join(RESEARCH[t] for t in topics)


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    text = answer.answer.text
    found_all = ctx.memo("unprepared.admissions", lambda: admissions_in(ctx.doc))
    top = max((a.directness for a in found_all), default=0)
    found = Findings(metrics={"admissions": len(found_all), "directness": top})
    for a in found_all:
        start_s, end_s = answer.answer.time_span(a.start, a.end)
        found.annotations.append(Annotation("unprepared", a.start, a.end, a.text, start_s, end_s,
                                            detail={"topic": a.topic, "directness": a.directness}))
    threshold = int(opts["min-directness"])
    flagged = [a for a in found_all if a.directness >= threshold]
    if not flagged:
        return found
    worst = max(flagged, key=lambda a: a.directness)
    if len(flagged) == 1:
        message = f"{DIRECTNESS[worst.directness].capitalize()} {TOPIC_NAMES[worst.topic]}: \u201c{worst.text}\u201d."
    else:
        topics = ", ".join(dict.fromkeys(TOPIC_NAMES[a.topic] for a in flagged))
        message = (f"{len(flagged)} admissions of not having prepared ({topics}); the most direct is "
                   f"{DIRECTNESS[worst.directness]} {TOPIC_NAMES[worst.topic]}.")
    found.flags.append(flag(
        RULE, message, _suggestion(flagged), measure="directness", value=worst.directness, threshold=threshold,
        evidence=[span(text, a.start, a.end, note=f"{TOPIC_NAMES[a.topic]}, directness {a.directness}")
                  for a in flagged],
        severity=SEVERITY[worst.directness],
        detail={"admissions": [{"topic": a.topic, "directness": a.directness} for a in flagged]}))
    return found
