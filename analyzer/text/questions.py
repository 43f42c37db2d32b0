"""Recognising questions and what kind of answer they call for: the one question classifier.

Whether a turn asks something (:func:`is_question`, :func:`question_score`), small talk, the kind
of question (:func:`classify_question`: a trained model, ``models/question_kinds.md``), closed
questions that want a fact, and questions about a former job or leaving it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.datamodel import QuestionKind
from analyzer.errors import ModelMissingError
from analyzer.text.clauses import SUBJECT_DEPS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

QUESTION_MODEL_FILE = "question_kinds.joblib"
QUESTION_FEATURE_VERSION = 1
MIN_MODEL_WORDS = 3

_WH = r"(what|why|how|when|where|which|who|whom|whose)"
_AUX = r"(can|could|would|will|do|does|did|are|is|was|were|have|has|had|should|may|might)"
_INTERROGATIVE_START = re.compile(rf"^\s*(?:(?:so|and|okay|ok|right|great|now|then|well)[,\s]+)*(?:{_WH}|{_AUX})\b", re.I)
_REQUEST = re.compile(
    r"\b(tell me|tell us|walk me through|walk us through|describe|give me an example|give us an example|"
    r"talk me through|talk about|share an example|explain|i'd like to hear|i would like to hear|"
    r"i'm curious|take me through)\b",
    re.I,
)
_IMPERATIVE_START = re.compile(
    r"^\s*(?:(?:so|and|okay|ok|right|great|now|then|well|next)[,\s]+)*"
    r"(share|name|list|discuss|teach (me|us)|sell (me|us)|convince (me|us)|imagine|suppose|picture)\b",
    re.I,
)
"""Requests that open with an imperative: "Share one of your trips with us.", "Name three ways..."."""

_BEHAVIOURAL = re.compile(
    r"\b(tell me about a time|tell us about a time|describe a (time|situation)|give (me|us) an example|"
    r"share an example|an example of|a time when|a time you|a situation where|a situation in which|"
    r"how did you (handle|deal|manage|approach|resolve|respond|cope)|"
    r"what did you do when|walk me through a (time|situation|project)|talk about a time|"
    r"recall a time|have you ever (had|been|dealt|faced)|tell me about a (conflict|challenge|mistake|failure|project)|"
    r"give (me|us) (a|one) (specific|concrete|good|recent|real) example|an (instance|occasion) (when|where|in which)|"
    r"how (did|have) you (handled?|dealt|managed?|approached|resolved|responded|coped|overcome|overcame)|"
    r"(walk|talk|take) (me|us) through (a (time|situation|project|moment|challenge|decision)|"
    r"how you (handled|dealt|managed|approached|resolved|solved|fixed|led|got))|"
    r"tell (me|us) about (when|a (situation|moment|occasion)|your (biggest|greatest|proudest) "
    r"(achievement|accomplishment|mistake|failure|challenge))|"
    r"(describe|tell (me|us) about) an? ((difficult|hard|tough|challenging|stressful|recent|complex|big) )?"
    r"(time|situation|moment|occasion|project|challenge|conflict|decision|mistake|customer|client) "
    r"(when|where|in which|that|you( \w+)? (faced|dealt|handled|made|had|led|worked|managed|overcame))|"
    r"have you ever (disagreed|made a mistake|failed|had to)|(think of|remember) a time|"
    r"(the|your) (most|biggest|hardest|toughest) (\w+ )?(decision|mistake|challenge|problem|bug|conflict|failure|"
    r"achievement) (you've|you have|you))\b",
    re.I,
)
_MOTIVATION = re.compile(
    r"\b(why (do|did|would) you (want|leave|apply|choose|left|decide)|why (are|were) you (leaving|looking|interested)|"
    r"why this (role|job|company|position)|why us|why did you leave|what (interests|excites|attracts|motivates) you|"
    r"what do you know about (us|our company)|where do you see yourself|tell me about yourself|"
    r"what are you looking for|why should we hire you|what makes you (want|interested))\b",
    re.I,
)
_PEOPLE = (r"(manager|boss|supervisor|team ?lead|lead|colleagues?|co-?workers?|team(mates?)?|peers?|friends?|"
           r"references?|(direct )?reports|clients?|customers?|people|others)")
_SELF_ASSESSMENT = re.compile(
    r"\b(your (own )?((greatest|biggest|main|key|top|best|worst|major|real|core|strongest|weakest|one) )?"
    r"(strengths?|weakness(es)?|weak (points?|spots?|sides?)|strong (points?|suits?|sides?)|flaws?|shortcomings?|"
    r"areas? (of|for) (improvement|development|growth)|development areas?|blind ?spots?)|"
    rf"what (would|will|might|did|does|do) (your|my|a|an|the) ((last|previous|former|current|old|new) )?{_PEOPLE} "
    r"((say|said) (about )?you|tell (you|me|us) (to|about you)|(say|said) (is|are|was|were) your)\b|"
    r"what (would|will|might|did) (they|he|she) (say|tell (me|us)) about you|"
    rf"how (would|will|might|do|does) ((your|my) ((last|previous|former|current) )?{_PEOPLE}|others|people|someone) "
    r"describe you|"
    r"(how (would|do) you )?describe yourself|"
    r"(something|anything|one thing|an area|areas?|what|where) (that )?(do )?you( think you)?"
    r"( could| need to| want to| would like to|'d like to|’d like to| should| are trying to) "
    r"(improve|work on|get better at|develop)|"
    r"what are you (working on improving|(really |not so |not |particularly )?(good|bad|best|worst|great) at)|"
    r"what (feedback|criticism) (have|has) you (received|gotten|got|had)|"
    r"you (have|see in yourself|would say you have|'d say you have) (any |some |particular )?(real )?"
    r"(weakness(es)?|strengths?|flaws?|weak (points?|spots?))|"
    r"(weakness(es)?|strengths?|flaws?) (do|would|will|can) you (have|bring|see in yourself|offer))\b",
    re.I,
)
_INVITATION = re.compile(
    r"\b(?:(?:do|would) you have (?:any|some|a few|other|more|any other|any more|any further) (?:\w+ )?questions"
    r"(?: for (?:me|us|the team|either of us)| about (?:the|this) (?:role|team|company|job|position))?(?=\s*(?:[?.!,]|$|for|before|at this))|"
    r"(?:any|what) (?:\w+ )?questions (?:do you have|for (?:me|us))|"
    r"anything (?:else )?(?:that )?you(?:'d| would)? (?:like|want|wanted) to ask|"
    r"(?:anything|something) (?:i|we) can (?:answer|clarify) for you|"
    r"your (?:turn|chance) to ask)",
    re.I,
)
"""The interviewer's invitation to ask questions ("Do you have any questions for me?", "Anything you'd like to ask us?")."""


def is_invitation_to_ask(text: str) -> bool:
    """Does the interviewer invite the candidate's questions?"""
    return bool(_INVITATION.search(text))


_SMALL_TALK = re.compile(
    r"\b(how are you|how's (it going|your day)|how is your day|can you hear me|"
    r"did you find (us|the (office|place|building|room|link)|your way|it (ok|okay|all right|alright|easily)|parking)|"
    r"thanks for (coming|joining|taking)|nice to meet you|good (morning|afternoon|evening)|"
    r"(shall|should) we (get started|start|begin)|ready to (start|begin|get started)|"
    r"how was (your|the) (trip|commute|journey|weekend)|any trouble (finding|getting)|"
    r"that's all (i have|from me)|we'll be in touch)\b",
    re.I,
)


_CLOSED_QUESTION = re.compile(
    r"^\W*(?:(?:so|and|okay|ok|great|right|now)\W+)*(how (many|long|much|old|soon|often)|when|which|"
    r"(do|did|have|has|are|were|is|was|can|could|will|would) you\b(?! (tell|walk|describe|explain|talk|give|share))|"
    r"what (is|was|are) your (notice|salary|current|expected|availability|start|title|role))",
    re.I,
)


def is_closed_question(question: str) -> bool:
    """A question that wants a fact or a yes/no ("How many years...?", "Do you have...?")."""
    return bool(_CLOSED_QUESTION.match(question))


_LEAVING_QUESTION = re.compile(r"\b(leav(e|ing)|left|quit|let go|fired|move on|moving on|only stay|gap)\b", re.I)
_JOB_QUESTION = re.compile(
    r"\b(previous|former|last|old|current|past)\s+(\w+\s+)?(job|role|position|employer|company|manager|boss|"
    r"supervisor|team|coworkers|colleagues|workplace|firm|organi[sz]ation)\b"
    r"|\byour (manager|boss|supervisor|coworkers|colleagues|team)\b"
    r"|\bwhat didn't you like\b",
    re.I,
)


def is_question(text: str) -> bool:
    """A question by punctuation, interrogative syntax or a request to tell/describe."""
    stripped = text.strip()
    if not stripped:
        return False
    if "?" in stripped:
        return True
    sentences = re.split(r"(?<=[.!])\s+", stripped)
    return any(_INTERROGATIVE_START.match(s) or _IMPERATIVE_START.match(s) or _REQUEST.search(s) for s in sentences)


def question_score(text: str) -> float:
    """How strongly a turn asks something: 1 per question sentence (at most 3).

    A question sentence ends in "?", has interrogative syntax by spaCy's parse (see
    :func:`is_interrogative`) or asks to be told something ("walk me through...").
    """
    if not text.strip():
        return 0.0
    from analyzer.text.nlp import load_spacy

    sentences = list(load_spacy()(text).sents)
    hits = sum(
        1 for s in sentences
        if s.text.rstrip().endswith("?") or is_interrogative(s) or _IMPERATIVE_START.match(s.text) or _REQUEST.search(s.text)
    )
    return float(min(hits, 3))


_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_DISCOURSE = frozenset({"so", "and", "but", "okay", "ok", "right", "great", "now", "then", "well", "alright", "also"})
_SUBORDINATE_DEPS = frozenset({"advcl", "csubj", "csubjpass", "ccomp", "relcl", "acl", "pcomp", "xcomp"})


def is_interrogative(sentence: "Span") -> bool:
    """Question syntax in a parsed sentence, with or without a question mark.

    After leading discourse words ("so", "okay,"), either an auxiliary comes before its
    subject ("Did you...", "Could you...", "Is that...") or a WH-word belongs to the main
    clause ("What did you do", "How many years have you...", "Who wrote it"). A WH-word
    inside a subordinate clause is a statement: "What I did was...", "When I joined, I...".
    """
    tokens = [t for t in sentence if not t.is_space]
    while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("cc", "intj") or tokens[0].lower_ in _DISCOURSE):
        tokens = tokens[1:]
    if not tokens:
        return False
    first = tokens[0]
    if first.pos_ == "AUX" or (first.lemma_ in ("do", "be", "have") and first.dep_ in ("aux", "ROOT")):
        verb = first if first.dep_ == "ROOT" else first.head
        return any(t.dep_ in SUBJECT_DEPS and t.i > first.i for t in verb.children)
    if first.tag_ in _WH_TAGS:
        token = first
        while token.head.i != token.i:
            if token.dep_ in _SUBORDINATE_DEPS:
                return False
            token = token.head
        return True
    return False


def is_small_talk(text: str) -> bool:
    """Greetings, logistics and closing pleasantries: kept, but not scored."""
    return bool(_SMALL_TALK.search(text) or _INVITATION.search(text)) and not (_BEHAVIOURAL.search(text) or _MOTIVATION.search(text))


@dataclass(frozen=True)
class QuestionKindModel:
    """Logistic regression over a bundled encoder's sentence vectors (``scripts/train_question_kinds.py``)."""

    classifier: Any
    encoder: str

    def kinds(self, questions: Sequence[str]) -> list[QuestionKind]:
        from analyzer.text.encoder import load_sentence_encoder

        vectors = load_sentence_encoder(self.encoder).sentence_vectors(list(questions))
        return [QuestionKind(str(kind)) for kind in self.classifier.predict(vectors)]


@lru_cache(maxsize=1)
def load_question_model() -> QuestionKindModel:
    """The trained question-kind classifier bundled in ``models/question_kinds.joblib``."""
    import joblib

    from analyzer.resources import model_file

    bundle = joblib.load(model_file(QUESTION_MODEL_FILE))
    if bundle.get("feature_version") != QUESTION_FEATURE_VERSION:
        raise ModelMissingError(
            f"models/{QUESTION_MODEL_FILE} was built for features v{bundle.get('feature_version')}, this code "
            f"needs v{QUESTION_FEATURE_VERSION}; rebuild it with 'python scripts/train_question_kinds.py'"
        )
    return QuestionKindModel(bundle["classifier"], bundle["encoder"])


def classify_question(text: str) -> QuestionKind:
    """Behavioural ("tell me about a time"), motivation ("why this role", "how do you feel about this
    opportunity?"), self-assessment ("what is your greatest weakness?"), factual, or other.

    A turn that asks nothing (:func:`is_question`) is ``other``; a question gets the kind the trained
    model gives it (``models/question_kinds.md``), or, when the bundled encoder is not installed, the
    kind of :func:`classify_question_by_rules`, which also answers for one- and two-word questions ("Why?",
    "Such as?"): too short for the model to read anything but a follow-up into."""
    if not is_question(text):
        return QuestionKind.OTHER
    question = " ".join(text.split())
    if len(question.split()) < MIN_MODEL_WORDS:
        return classify_question_by_rules(question)
    return _model_kind(question)


@lru_cache(maxsize=4096)
def _model_kind(question: str) -> QuestionKind:
    try:
        return load_question_model().kinds([question])[0]
    except ModelMissingError:
        return classify_question_by_rules(question)


def classify_question_by_rules(text: str) -> QuestionKind:
    """The hand-written patterns the model replaced, kept as its fallback without the encoder: behavioural
    ("tell me about a time"), motivation ("why this role"), self-assessment ("what is your greatest
    weakness?"), factual, or other."""
    if _BEHAVIOURAL.search(text):
        return QuestionKind.BEHAVIOURAL
    if _MOTIVATION.search(text):
        return QuestionKind.MOTIVATION
    if _SELF_ASSESSMENT.search(text):
        return QuestionKind.SELF_ASSESSMENT
    if is_question(text):
        return QuestionKind.FACTUAL
    return QuestionKind.OTHER


def question_about_leaving(question: str | None) -> bool:
    """Does the question ask why the candidate left (or is leaving) a job?"""
    return bool(question and _LEAVING_QUESTION.search(question))


def question_about_job(question: str | None) -> bool:
    """Does the question ask about a former or current job, employer or manager?"""
    return question_about_leaving(question) or bool(question and _JOB_QUESTION.search(question))


_TAG_QUESTION = re.compile(r"(,\s*|\b)(right|yeah|no|okay|ok|correct|isn't it|don't you think|you know)\s*\?\s*$", re.I)
_INDIRECT_QUESTION = re.compile(
    r"\b(i was wondering (if|whether|what|how|why|when|who)|i'?d (like|love) to (know|hear|understand)|"
    r"i would (like|love) to (know|hear|understand)|i'?m curious (about|how|what|whether|if|why)|"
    r"i wanted to ask (about|what|how|whether|if))\b",
    re.I,
)


def question_sentences(text: str, doc: "Doc | None" = None) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` that ask something: a question mark (a tag such as
    ", right?" alone does not count), interrogative syntax (:func:`is_interrogative`) or an indirect
    question ("I was wondering how...", "I'd love to know..."). ``doc``: ``text``'s parse, when the caller has it."""
    if not text.strip():
        return []
    if doc is None:
        from analyzer.text.nlp import load_spacy

        doc = load_spacy()(text)
    spans = []
    for sentence in doc.sents:
        body = sentence.text.strip()
        marked = body.endswith("?") and not (_TAG_QUESTION.search(body) and not is_interrogative(sentence))
        if marked or is_interrogative(sentence) or _INDIRECT_QUESTION.search(body):
            spans.append((sentence.start_char, sentence.start_char + len(sentence.text.rstrip())))
    return spans
