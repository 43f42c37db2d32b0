"""rambling: an answer too long for its kind of question, drifting off it, or going round in circles.

Its metrics (``metrics.rambling``; times in seconds, ``None`` when the input has no timings) are
declared in :data:`RULE`. Drift (``drift_share``) was measured by ``scripts/eval_drift.py`` on
behavioural answers spliced with another question's answer: the default threshold flags 28% of them
and 6% of the answers as written (test half; word-overlap similarity, used before, could not tell the
two apart: ROC AUC 0.53 against 0.73). Only answers to the question kinds in ``drift-question-kinds``
are flagged: a behavioural story moves through scenes of its own (the situation, the task), which can
sit far from the question's wording (the bundled technical_panel sample's strong STAR answer would be
flagged), so stories are not flagged for drift by default; nor are answers to self-assessment
questions, whose example does the same (a model answer on delegation, a weakness owned and a sprint
story of how it was fixed, measured drift share 0.78).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from analyzer.checks.context import AnswerContext, Findings, min_pause_s
from analyzer.checks.fillers import fillers_for
from analyzer.checks.rule import Example, Metric, Option, Rule, SessionMetric, flag, span
from analyzer.datamodel import Answer, Flag, QuestionKind, Span
from analyzer.text.questions import is_closed_question
from analyzer.text.tokens import WORD_RE, count_words

if TYPE_CHECKING:
    from spacy.tokens import Doc

def _pooled_words_per_minute(answers: Sequence[Answer], namespace: str) -> float | None:
    """Answer words per minute of speaking time (the answer's duration less its measured silences)."""
    timed = [(count_words(a.answer.text), a.metrics.get(namespace, {}).get("speech_s") or a.answer.duration_s)
             for a in answers]
    timed = [(w, t) for w, t in timed if t]
    return round(60 * sum(w for w, _ in timed) / sum(t for _, t in timed), 1) if timed else None


NOTICE_PERIOD = "What is your notice period?"

RULE = Rule(
    code="rambling",
    name="Rambling answer",
    summary="Answer is too long for its kind of question, drifts off it, or goes round in circles",
    what="Measures the answer's length in words (and seconds when timings are known) against a "
    "limit that depends on the kind of question, how far its parts drift from the question "
    "(sentence-encoder similarity), and whether it says the same thing again.",
    why="Long, unfocused answers make an interviewer work to find the point and read as "
    "nervous or unprepared. Behavioural stories deserve about two minutes; factual "
    "questions much less.",
    examples=(
        Example("So my notice period, that is a good question, because it depends a little on how you count it. "
                "My contract says four weeks, but we are in the middle of a release, and my manager would like me "
                "to stay until it ships, which could be the end of next month, or a bit later if the testing runs "
                "over, and then there is some holiday I have not taken yet, which I could use to leave earlier, or "
                "I could be paid for it instead, I am not sure yet which one HR would prefer. So it is four weeks, "
                "more or less, maybe six.", NOTICE_PERIOD, flagged=True),
        Example("Four weeks. I could start on the first of next month.", NOTICE_PERIOD, flagged=False),
    ),
    severity="warning",
    options=(
        Option("max-words-behavioural", 330, "Word limit for behavioural (STAR) questions.", minimum=1),
        Option("max-words-other", 200, "Word limit for motivation and open questions.", minimum=1),
        Option("max-words-self-assessment", 200, "Word limit for self-assessment questions (greatest strength or "
               "weakness, what a former manager would say you could improve).", minimum=1),
        Option("max-words-factual", 150, "Word limit for factual and technical questions.", minimum=1),
        Option("max-words-closed", 80, "Word limit for closed questions that want a fact (how many, how long, "
               "when, do you...).", minimum=1),
        Option("max-seconds-behavioural", 150.0, "Speaking-time limit for behavioural questions.", above=0),
        Option("max-seconds-other", 100.0, "Speaking-time limit for other questions.", above=0),
        Option("max-seconds-self-assessment", 100.0, "Speaking-time limit for self-assessment questions.", above=0),
        Option("max-seconds-factual", 75.0, "Speaking-time limit for factual and technical questions.", above=0),
        Option("max-seconds-closed", 40.0, "Speaking-time limit for closed questions.", above=0),
        Option("min-words-for-drift", 80, "Answers shorter than this are not checked for drift or circles.", minimum=0),
        Option("drift-question-kinds", ["factual", "motivation", "other"], "Question kinds whose answers are "
               "flagged for drifting off the question (a behavioural story, or the example that backs up a "
               "strength or weakness, moves through scenes of its own).", choices=tuple(k.value for k in QuestionKind)),
        Option("min-topic-similarity", 0.3, "A part whose sentence vector is less similar than this to the "
               "question and the answer's opening is off-topic (cosine, -1 to 1).", minimum=-1, maximum=1),
        Option("max-drift-share", 0.5, "Flag drift when off-topic parts in a row hold more than this share of the words "
               "(not reported when the answer is flagged for going round in circles, which explains it better).",
               minimum=0, maximum=1),
        Option("max-self-similarity", 0.6, "Flag circling when two non-adjacent parts are at least this similar.",
               minimum=0, maximum=1),
        Option("max-repeated-phrases", 3, "Flag circling when more distinct phrases than this are said again.",
               minimum=0),
    ),
    namespace="rambling",
    sentences=lambda ctx: drift_texts(ctx),  # defined below, with the parts it splits
    metrics=(
        Metric("words", "Spoken words in the answer."),
        Metric("duration_s", "From the answer's first to its last word."),
        Metric("speech_s", "duration_s minus the silences measured from the audio inside the answer."),
        Metric("words_per_minute", "words per minute of speech_s (pauses do not slow the rate down)."),
        Metric("long_pauses", "Measured silences of at least [audio] min-pause-s (default 2 s) inside the answer."),
        Metric("longest_pause_s", "The longest silence inside the answer."),
        Metric("repeated_words", "A word said twice in a row ('I I', 'the- the'), fillers aside."),
        Metric("repeated_phrases", "Distinct phrases of three or more words, at least one a content word, said "
               "more than once."),
        Metric("readability_flesch", "Flesch reading ease of the answer text (higher is plainer; textstat)."),
        Metric("readability_grade", "Flesch-Kincaid grade level of the answer text."),
        Metric("question_similarity", "Cosine similarity of sentence vectors (the bundled all-MiniLM-L6-v2) between "
               "the question and the whole answer."),
        Metric("min_part_similarity", "The lowest similarity between one part of the answer (a sentence or a few "
               "short ones) and the question plus the answer's opening."),
        Metric("drift_share", "Share of the answer's words in the longest run of off-topic parts (similarity to "
               "the question plus the opening below min-topic-similarity)."),
        Metric("self_similarity", "The highest TF-IDF similarity (content-word lemmas) between two non-adjacent "
               "parts of the answer (1.0: the same words said twice)."),
    ),
    session_metrics=(
        SessionMetric("words_per_minute", "Answer words per minute of answer speaking time (timed inputs only)",
                      _pooled_words_per_minute),
    ),
)

TIGHTEN = (
    "Lead with your point in the first sentence; for a story use STAR (situation and task in two "
    "sentences, then what you did, then the result) and stop once you have said the result."
)
_PART_MIN_WORDS = 10
MAX_PARTS = 200
"""An answer of more parts has its consecutive parts merged into this many (a 200-part answer runs to
thousands of words): the part-by-part comparisons cost the same whatever the answer's length."""


@dataclass(frozen=True)
class Part:
    """A sentence, or a few short sentences, of the answer."""

    start: int
    end: int
    words: int
    terms: str
    """Content-word lemmas, space-separated, for TF-IDF."""


def _limits(answer: Answer, opts: Mapping[str, Any]) -> tuple[int, float, str]:
    """Word and time limits for the answer's kind of question, and the kind's name."""
    kind = answer.question_kind
    if kind == QuestionKind.FACTUAL.value and is_closed_question(answer.question.text):
        return opts["max-words-closed"], opts["max-seconds-closed"], "closed"
    return (*_limits_for_kind(kind, opts), kind)


def _limits_for_kind(kind: str, opts: Mapping[str, Any]) -> tuple[int, float]:
    if kind == QuestionKind.BEHAVIOURAL.value:
        return opts["max-words-behavioural"], opts["max-seconds-behavioural"]
    if kind == QuestionKind.FACTUAL.value:
        return opts["max-words-factual"], opts["max-seconds-factual"]
    if kind == QuestionKind.SELF_ASSESSMENT.value:
        return opts["max-words-self-assessment"], opts["max-seconds-self-assessment"]
    return opts["max-words-other"], opts["max-seconds-other"]


def _terms(tokens) -> str:
    """Content words for TF-IDF: lemmas, names as written (lower-cased)."""
    return " ".join(
        t.lower_ if t.pos_ == "PROPN" else t.lemma_.lower()
        for t in tokens
        if t.is_alpha and not t.is_stop and t.pos_ not in ("INTJ", "AUX")
    )


def _parts(doc: "Doc") -> list[Part]:
    """Sentences, with short ones merged into the next so every part has some content."""
    parts: list[Part] = []
    pending: list = []
    for sent in doc.sents:
        pending.extend(sent)
        words = sum(1 for t in pending if not t.is_punct and not t.is_space)
        if words >= _PART_MIN_WORDS:
            parts.append(Part(pending[0].idx, sent.end_char, words, _terms(pending)))
            pending = []
    if pending:
        words = sum(1 for t in pending if not t.is_punct and not t.is_space)
        if parts and words < _PART_MIN_WORDS:
            last = parts.pop()
            parts.append(Part(last.start, pending[-1].idx + len(pending[-1]), last.words + words,
                              last.terms + " " + _terms(pending)))
        elif words:
            parts.append(Part(pending[0].idx, pending[-1].idx + len(pending[-1]), words, _terms(pending)))
    return _at_most(parts, MAX_PARTS)


def _at_most(parts: list[Part], limit: int) -> list[Part]:
    """``parts``, with runs of consecutive parts merged into one when there are more than ``limit``."""
    if len(parts) <= limit:
        return parts
    size = -(-len(parts) // limit)  # ceiling
    runs = [parts[i : i + size] for i in range(0, len(parts), size)]
    return [Part(run[0].start, run[-1].end, sum(p.words for p in run), " ".join(p.terms for p in run)) for run in runs]


def _topic_similarities(question: str, text: str, parts: list[Part]) -> tuple[float, list[float]]:
    """(question vs whole answer, each part vs question + opening), by sentence-encoder cosine.

    The whole answer is the mean of its parts' vectors; the opening part is compared with the
    question alone.
    """
    import numpy as np

    from analyzer.text.encoder import load_encoder

    vectors = load_encoder().sentence_vectors(_drift_texts(question, text, parts))
    q, topic, part_rows = vectors[0], vectors[1], vectors[2:]
    whole = part_rows.mean(axis=0)
    to_topic = (part_rows @ topic).tolist()
    to_topic[0] = float(part_rows[0] @ q)
    return float(whole @ q / (np.linalg.norm(whole) or 1.0)), to_topic


def _drift_texts(question: str, text: str, parts: list[Part]) -> list[str]:
    """What the drift measure encodes: the question, the question with the opening part, and each part."""
    if not parts:
        return []
    return [question, question + " " + text[parts[0].start : parts[0].end], *(text[p.start : p.end] for p in parts)]


def drift_texts(ctx: AnswerContext) -> list[str]:
    """The texts :func:`topic_measure` encodes for the answer (``RULE.sentences``: encoded for the whole session
    at once)."""
    return _drift_texts(ctx.answer.question.text, ctx.answer.answer.text, _parts(ctx.doc))


def topic_measure(ctx: AnswerContext) -> tuple[list[Part], float, list[float]]:
    """The answer's parts, its similarity to the question and each part's to the question plus the
    opening: the drift measure, computed once per answer (``non-answer`` reads it too)."""
    def compute() -> tuple[list[Part], float, list[float]]:
        parts = _parts(ctx.doc)
        if not parts:
            return parts, 0.0, []
        return (parts, *_topic_similarities(ctx.answer.question.text, ctx.answer.answer.text, parts))

    return ctx.memo("rambling.topic", compute)


def _self_similarities(parts: list[Part]) -> Any:
    """Part x part TF-IDF cosine over content-word lemmas (saying the same words again), or None."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    try:
        matrix = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w[\w']+\b").fit_transform(p.terms for p in parts)
    except ValueError:  # no terms at all
        return None
    return cosine_similarity(matrix)


def _repetitions(doc: "Doc", filler_spans: set[tuple[int, int]]) -> tuple[list[Span], list[tuple[str, list[Span]]]]:
    """Immediately repeated words, and phrases (3-6 words, some content) said more than once."""
    text = doc.text
    words = [m for m in WORD_RE.finditer(text) if (m.start(), m.end()) not in filler_spans]
    repeated = [
        span(text, a.start(), b.end(), note="repeated word")
        for a, b in zip(words, words[1:])
        if a.group().lower() == b.group().lower() and not text[a.end() : b.start()].strip(" -–—,.…")
    ]
    lowered = [w.group().lower() for w in words]
    content = {t.lower_ for t in doc if t.is_alpha and not t.is_stop}
    seen: dict[tuple[str, ...], list[int]] = {}
    for n in range(6, 2, -1):
        for i in range(len(words) - n + 1):
            gram = tuple(lowered[i : i + n])
            if content & set(gram):
                seen.setdefault(gram, []).append(i)
    phrases: list[tuple[str, list[Span]]] = []
    covered: set[int] = set()
    for gram, starts in sorted(seen.items(), key=lambda kv: (-len(kv[0]), kv[1][0])):
        # occurrences must not overlap each other, and shorter sub-phrases of a reported one are skipped
        kept: list[int] = []
        for s in starts:
            if not kept or s >= kept[-1] + len(gram):
                kept.append(s)
        if len(kept) < 2 or all(s in covered for s in kept):
            continue
        n = len(gram)
        phrases.append((" ".join(gram), [span(text, words[s].start(), words[s + n - 1].end(), note="repeated phrase")
                                          for s in kept]))
        for s in kept:
            covered.update(range(s, s + n))
    return repeated, phrases


def _readability(text: str) -> tuple[float | None, float | None]:
    from analyzer.text.nlp import textstat

    if len(WORD_RE.findall(text)) < 3:
        return None, None
    ts = textstat()
    return round(float(ts.flesch_reading_ease(text)), 1), round(float(ts.flesch_kincaid_grade(text)), 1)


def _char_at_time(answer: Answer, time_s: float, words: list[re.Match[str]], share: float) -> int:
    """Where the answer passes ``time_s``: from word timings when known, else pro rata by words."""
    for word in answer.answer.words:
        if word.start is not None and word.start_char is not None and word.start >= time_s:
            return word.start_char
    return words[min(len(words) - 1, int(len(words) * share))].start() if words else 0


def _length_flag(answer: Answer, words: list[re.Match[str]], opts: Mapping[str, Any]) -> Flag | None:
    text, duration = answer.answer.text, answer.answer.duration_s
    max_words, max_seconds, kind = _limits(answer, opts)
    if len(words) > max_words:
        cut = words[int(max_words)].start()  # the first word beyond the limit (a limit of 150.0 is allowed)
        return flag(
            RULE,
            f"Answer runs {len(words)} words; the limit for a {kind} question is {max_words:g} words.",
            TIGHTEN,
            measure="words",
            value=len(words),
            threshold=max_words,
            evidence=[span(text, cut, len(text), note=f"beyond word {max_words:g}")],
        )
    if duration is not None and duration > max_seconds:
        cut = _char_at_time(answer, answer.answer.start_s + max_seconds, words, max_seconds / duration)
        return flag(
            RULE,
            f"Answer lasts {duration:.0f} s; the limit for a {kind} question is {max_seconds:.0f} s.",
            TIGHTEN,
            measure="duration_s",
            value=duration,
            threshold=max_seconds,
            evidence=[span(text, cut, len(text), note=f"after about {max_seconds:.0f} s")],
        )
    return None


def _drift_run(parts: list[Part], to_topic: list[float], floor: float) -> list[Part]:
    """The longest run (in words) of consecutive off-topic parts after the opening."""
    best, best_words = (0, 0), 0  # [start, end) indices into parts
    start, words = 1, 0
    for i in range(1, min(len(parts), len(to_topic))):
        if to_topic[i] >= floor:
            start, words = i + 1, 0
            continue
        words += parts[i].words
        if words > best_words:
            best, best_words = (start, i + 1), words
    return parts[best[0] : best[1]]


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    text = answer.answer.text
    words = list(WORD_RE.finditer(text))
    duration = answer.answer.duration_s
    silences = ctx.silences_within(answer.answer.start_s, answer.answer.end_s)
    long_pauses = [(s, e) for s, e in silences if e - s >= min_pause_s(ctx.settings)]
    speech_s = None if duration is None else max(0.0, duration - sum(e - s for s, e in silences))
    fillers = fillers_for(ctx)
    repeated_words, repeated_phrases = _repetitions(ctx.doc, {(a.start, a.end) for a in fillers})
    flesch, grade = _readability(text)
    parts, q_sim, to_topic = topic_measure(ctx)
    pairwise = _self_similarities(parts) if parts else None
    drift = _drift_run(parts, to_topic, opts["min-topic-similarity"])
    drift_share = sum(p.words for p in drift) / max(1, len(words))
    circle = max(
        ((float(pairwise[i, j]), i, j) for i in range(len(parts)) for j in range(i + 2, len(parts))),
        default=(0.0, -1, -1),
    ) if pairwise is not None else (0.0, -1, -1)

    found = Findings(
        metrics={
            "words": len(words),
            "duration_s": None if duration is None else round(duration, 2),
            "speech_s": None if speech_s is None else round(speech_s, 2),
            "words_per_minute": round(len(words) * 60.0 / speech_s, 1) if speech_s else None,
            "long_pauses": len(long_pauses),
            "longest_pause_s": None if duration is None else round(max((e - s for s, e in silences), default=0.0), 2),
            "repeated_words": len(repeated_words),
            "repeated_phrases": len(repeated_phrases),
            "readability_flesch": flesch,
            "readability_grade": grade,
            "question_similarity": round(q_sim, 3) if answer.question_known else None,
            "min_part_similarity": round(min(to_topic), 3) if to_topic else None,
            "drift_share": round(drift_share, 3),
            "self_similarity": round(circle[0], 3),
        }
    )
    length = _length_flag(answer, words, opts)
    if length:
        found.flags.append(length)
    if len(words) < opts["min-words-for-drift"]:
        return found
    n_phrases = len(repeated_phrases)
    if circle[0] >= opts["max-self-similarity"] or n_phrases > opts["max-repeated-phrases"]:
        if circle[0] >= opts["max-self-similarity"]:
            first, again = parts[circle[1]], parts[circle[2]]
            message = (
                f"The answer comes back to something it already said: two of its parts are {circle[0]:.2f} similar "
                f"(threshold {opts['max-self-similarity']:g})."
            )
            evidence = [span(text, first.start, first.end, note="first said here"),
                        span(text, again.start, again.end, note="said again")]
            measure, value, threshold = "self_similarity", circle[0], opts["max-self-similarity"]
        else:
            message = (
                f"The answer repeats {n_phrases} phrases (threshold {opts['max-repeated-phrases']}): "
                + ", ".join(f"'{p}'" for p, _ in repeated_phrases[:4]) + "."
            )
            evidence = [s for _, spans in repeated_phrases for s in spans]
            measure, value, threshold = "repeated_phrases", n_phrases, opts["max-repeated-phrases"]
        found.flags.append(
            flag(
                RULE,
                message,
                "Say each point once: when you notice you are restating it, move on to what you did and "
                "the result, then stop. " + TIGHTEN.split(";")[0] + ".",
                measure=measure,
                value=value,
                threshold=threshold,
                evidence=evidence,
            )
        )
    circling = any(f.measure in ("self_similarity", "repeated_phrases") for f in found.flags)
    drift_applies = answer.question_kind in opts["drift-question-kinds"]
    if drift_applies and drift_share > opts["max-drift-share"] and not circling:
        found.flags.append(
            flag(
                RULE,
                f"{drift_share:.0%} of the answer ({sum(p.words for p in drift)} words in a row) drifts away from "
                f"the question: in meaning those parts are far from it and from your opening (similarity under "
                f"{opts['min-topic-similarity']:g}); the limit is {opts['max-drift-share']:.0%} of the answer.",
                "Come back to the question: cut the highlighted part or tie it to your point in one sentence. "
                + TIGHTEN,
                measure="drift_share",
                value=drift_share,
                threshold=opts["max-drift-share"],
                evidence=[span(text, p.start, p.end, note="off the question") for p in drift],
            )
        )
    return found
