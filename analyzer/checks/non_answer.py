"""non-answer: the candidate does not answer what was asked.

Four ways, each read from the answer's parse (:mod:`analyzer.text.admissions`) or from the drift
measure of ``rambling`` (:func:`analyzer.checks.rambling.topic_measure`, sentence-encoder similarity):

* ``bare``: "I don't know" (or "not sure", "no idea") with next to nothing besides it: fewer than
  ``min-words-after`` words of substance ("I don't know the exact figure, but I'd estimate..." goes on);
* ``no-reasoning``: a technical question met with an admission and no reasoning aloud (no "because",
  "I would", "if", "first"... within ``min-words-technical`` words of substance);
* ``deflection``: the answer steers elsewhere ("I'd rather talk about", "can we come back to that",
  "let me tell you about something else") and stays far from the question;
* ``off-subject``: the answer never comes near the question's subject (its similarity to the question,
  and that of every part, below the floors), for the question kinds in ``question-kinds``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rambling import drift_texts, topic_measure
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, flag, span
from analyzer.datamodel import Annotation, Answer, Flag, QuestionKind
from analyzer.text.admissions import admission_core, ignorance_admissions
from analyzer.text.lexicon import is_hesitation
from analyzer.text.nlp import sentence_of
from analyzer.text.questions import question_sentences
from analyzer.text.tokens import count_words

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

RULE = Rule(
    code="non-answer",
    name="Non-answer",
    summary="Answer does not answer the question: a bare 'I don't know', a deflection, or off the subject",
    what="Finds 'I don't know' / 'not sure' / 'no idea' in the parse and counts the words of substance beside it; "
    "on a technical question it also looks for reasoning aloud ('because', 'I would', 'if', 'first'). spaCy "
    "Matcher patterns find deflections ('I'd rather talk about', 'can we come back to that'). The drift measure "
    "of rambling (sentence-encoder similarity to the question) tells an answer that never addresses the "
    "question's subject.",
    why="An interviewer asks to learn how the candidate thinks; a flat 'I don't know' or a change of subject "
    "gives them nothing, where an honest bridge ('I haven't used it, but I'd start by...') still shows reasoning.",
    examples=(
        Example("I don't know, to be honest.", "How would you find a memory leak in a Java service?", flagged=True),
        Example("I don't know the exact figure, but I'd estimate about forty thousand, from our monthly sign-ups.",
                "How many active users did the app have?", flagged=False),
        Example("I'd rather talk about my design work, which is where I really shine and what I enjoy most.",
                "What did you do when the release failed?", flagged=True),
        Example("Not off the top of my head, but I would look at the query plan first and check whether the join "
                "uses an index.", "What is the complexity of that query?", flagged=False),
        Example("Hmm. I'm not sure. Sorry.", "What does a load balancer do?", flagged=True),
    ),
    severity="warning",
    options=(
        Option("min-words-after", 4, "An admission of not knowing with fewer words of substance than this beside it "
               "is a bare non-answer.", minimum=0),
        Option("min-words-technical", 12, "On a technical question, an admission needs this many words of substance "
               "and some reasoning aloud.", minimum=0),
        Option("max-deflection-similarity", 0.3, "A deflection is flagged when the answer's similarity to the "
               "question is below this (cosine).", minimum=-1, maximum=1),
        Option("min-question-similarity", 0.12, "An answer less similar than this to its question, with no part "
               "above max-deflection-similarity, is off the subject (cosine).", minimum=-1, maximum=1),
        Option("min-words-off-subject", 15, "Answers shorter than this are not judged off the subject.", minimum=1),
        Option("question-kinds", ["factual", "motivation", "other"], "Question kinds whose answers are judged "
               "off the subject (stories wander through scenes of their own).",
               choices=tuple(k.value for k in QuestionKind)),
    ),
    annotations=(
        AnnotationKind("non-answer", "Non-answer", "dotted underline",
                       "'I don't know' with nothing after it, or a turn away from the question."),
    ),
    namespace="non_answer",
    sentences=drift_texts,
    metrics=(
        Metric("admissions", "Admissions of not knowing ('I don't know', 'not sure', 'no idea')."),
        Metric("substance_words", "Words of the answer outside its admissions, fillers and apologies."),
        Metric("deflections", "Phrases that steer away from the question."),
        Metric("question_similarity", "The answer's similarity to the question (rambling's drift measure)."),
        Metric("kind", "What kind of non-answer it is (bare, no-reasoning, deflection, off-subject), or null."),
    ),
)

_TECHNICAL = re.compile(
    r"\b(design|implement|algorithm|complexity|big[- ]?o|data structure|sql|quer(y|ies)|index|cache|api|database|"
    r"thread|concurren|debug|code|function|class|recursi|hash|binary|sort|scal(e|ing)|latency|memory|network|"
    r"protocol|https?|tcp|dns|kubernetes|docker|git|deploy|load balancer|mutex|lock|server|service|pointer|"
    r"compile|runtime|exception|regex|json|rest|queue|transaction|normali[sz]|microservice)", re.I)
_REASONING = frozenset({"because", "if", "would", "could", "first", "then", "start", "estimate", "assume", "guess",
                        "probably", "maybe", "depend", "since", "so", "try", "look", "check", "think", "suspect"})
_NON_SUBSTANCE = frozenset({"sorry", "honestly", "honest", "really", "good", "great", "question", "tough", "hard",
                            "one", "that", "this", "be", "to", "well", "so", "yeah", "yes", "no", "okay", "ok",
                            "like", "just", "actually", "hmm", "i", "it", "'s", "is", "a", "the", "you", "know",
                            "mean", "afraid", "unfortunately", "pass", "off", "top", "of", "my", "head", "right",
                            "now", "at", "moment", "the", "thing", "kind", "uh", "um"})

ADVICE = {
    "bare": "Don't stop at 'I don't know': say what you do know, how you would find out, and give an estimate "
    "('I don't know the exact figure, but from X I'd estimate Y, and I'd check it by Z').",
    "no-reasoning": "Think aloud on technical questions: restate the problem, name what you would try first and "
    "why, and say what you would check; an interviewer scores the reasoning even when the answer is incomplete.",
    "deflection": "Answer the question asked first, even briefly, then bridge to what you want to add ('I haven't "
    "done that myself; the closest was..., where I...').",
    "off-subject": "Name the question's subject in your first sentence and answer it directly; if you are unsure "
    "what is meant, ask ('Do you mean...?') rather than answer a different question.",
}
MESSAGES = {
    "bare": "'I don't know' with next to nothing after it ({value:g} words of substance; at least {threshold:g} "
    "needed).",
    "no-reasoning": "A technical question met with an admission and no reasoning aloud ({value:g} words of "
    "substance; at least {threshold:g} with some reasoning needed).",
    "deflection": "The answer steers away from the question (similarity {value:.2f}, under {threshold:g}).",
    "off-subject": "The answer never addresses the question's subject (similarity {value:.2f}, under "
    "{threshold:g}, and no part of it closer).",
}


@lru_cache(maxsize=1)
def _deflections() -> "Matcher":
    from spacy.matcher import Matcher

    from analyzer.text.nlp import load_spacy

    matcher = Matcher(load_spacy().vocab)
    matcher.add("deflection", [
        [{"LOWER": {"IN": ["rather", "prefer"]}}, {"LOWER": "not", "OP": "?"},
         {"LEMMA": {"IN": ["talk", "discuss", "focus", "get", "go", "answer", "say", "speak"]}}],
        [{"LEMMA": "come"}, {"LOWER": "back"}, {"LOWER": "to"}, {"LOWER": {"IN": ["that", "this", "it"]}}],
        [{"LEMMA": {"IN": ["skip", "pass"]}}, {"LOWER": {"IN": ["that", "this", "it", "on"]}}],
        [{"LEMMA": "move"}, {"LOWER": "on"}],
        [{"LEMMA": "let"}, {"LOWER": "me"}, {"LEMMA": {"IN": ["tell", "talk"]}}, {"LOWER": "you", "OP": "?"},
         {"LOWER": "about"}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["something", "another", "else", "other"]}}],
        [{"LOWER": "instead"}, {"IS_PUNCT": True, "OP": "?"}, {"LEMMA": "let"}, {"LOWER": "me"}],
        [{"LOWER": "more"}, {"LOWER": "interesting"}, {"LEMMA": {"IN": ["question", "thing", "topic"]}}],
    ])
    return matcher


def _substance(doc: "Doc", excluded: set[int]) -> list[str]:
    """The answer's words of substance: outside the admissions, fillers, apologies and stock phrases."""
    return [t.lower_ for t in doc if t.i not in excluded and t.is_alpha and t.lower_ not in _NON_SUBSTANCE
            and not is_hesitation(t.text)]


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    text, doc = answer.answer.text, ctx.doc
    # asking what is meant ("not sure I follow: do you mean...?") is no admission of not knowing
    admissions = [] if question_sentences(text, doc) else ignorance_admissions(doc)
    cores = [admission_core(token) for token, _ in admissions]
    excluded = {t.i for core in cores for t in core}
    substance = _substance(doc, excluded)
    deflections = [doc[s:e] for _, s, e in _deflections()(doc)]
    _, similarity, parts = topic_measure(ctx)
    found = Findings(metrics={"admissions": len(admissions), "substance_words": len(substance),
                              "deflections": len(deflections), "question_similarity": round(similarity, 3),
                              "kind": None})
    technical = bool(_TECHNICAL.search(answer.question.text)) and answer.question_kind == QuestionKind.FACTUAL.value
    reasoning = any(t.lemma_.lower() in _REASONING or t.lower_ in _REASONING for t in doc if t.i not in excluded)
    kind, value, threshold, evidence = None, 0.0, 0.0, []
    if admissions and technical and (len(substance) < opts["min-words-technical"] or not reasoning):
        kind, value, threshold = "no-reasoning", len(substance), opts["min-words-technical"]
    elif admissions and len(substance) < opts["min-words-after"]:
        kind, value, threshold = "bare", len(substance), opts["min-words-after"]
    if kind:
        evidence = [(core[0].idx, core[-1].idx + len(core[-1])) for core in cores]
    elif deflections and similarity < opts["max-deflection-similarity"]:
        kind, value, threshold = "deflection", similarity, opts["max-deflection-similarity"]
        sentences = [sentence_of(d[0]) for d in deflections]
        evidence = [(sent.start_char, sent.start_char + len(sent.text.rstrip())) for sent in sentences]
    elif (answer.question_kind in opts["question-kinds"] and count_words(text) >= opts["min-words-off-subject"]
          and similarity < opts["min-question-similarity"]
          and max(parts, default=0.0) < opts["max-deflection-similarity"]):
        kind, value, threshold = "off-subject", similarity, opts["min-question-similarity"]
        evidence = [(0, len(text))]
    if kind is None:
        return found
    found.metrics["kind"] = kind
    evidence = list(dict.fromkeys(evidence))
    for start, end in evidence:
        found.annotations.append(Annotation("non-answer", start, end, text[start:end],
                                            *answer.answer.time_span(start, end), detail={"kind": kind}))
    found.flags.append(_flag(kind, value, threshold, [span(text, s, e, note=kind) for s, e in evidence]))
    return found


def _flag(kind: str, value: float, threshold: float, evidence: list) -> Flag:
    return flag(RULE, MESSAGES[kind].format(value=value, threshold=threshold), ADVICE[kind],
                measure="substance_words" if kind in ("bare", "no-reasoning") else "question_similarity",
                value=value, threshold=threshold, evidence=evidence, detail={"kind": kind})
