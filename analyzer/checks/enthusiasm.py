"""low-enthusiasm: an answer whose words (and voice, with audio) sound flat or non-committal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from analyzer.checks.context import AnswerContext, Findings
from analyzer.checks.rule import AnnotationKind, Example, Metric, Option, Rule, SessionMetric, flag, span
from analyzer.datamodel import Annotation, Answer, QuestionKind, Span, Utterance
from analyzer.detectors.enthusiasm import EnthusiasmScore, PhraseHit, model_texts, score_text
from analyzer.text.tokens import count_words

if TYPE_CHECKING:
    from analyzer.detectors.voice import VoiceFeatures


def _encoder_texts(ctx: AnswerContext) -> list[str]:
    """The sentences the enthusiasm classifier encodes (batched for the session: ``Rule.sentences``)."""
    text = ctx.answer.answer.text
    return model_texts(text) if text.strip() else []


def _pooled_score(answers: Sequence[Answer], namespace: str) -> float | None:
    scores = [a.metrics[namespace]["score"] for a in answers if "score" in a.metrics.get(namespace, {})]
    return round(sum(scores) / len(scores), 1) if scores else None


RULE = Rule(
    code="low-enthusiasm",
    name="Low enthusiasm",
    summary="Answer sounds flat, hedging or indifferent",
    what="Scores the answer's enthusiasm from 0 to 100: a text classifier trained on human-labelled "
    "excited/joyful/optimistic vs neutral comments (GoEmotions), sentiment, interest in the role or "
    "work, energetic words and concrete plans, minus hedges ('I guess', 'kind of', 'whatever'), "
    "minimal answers and negative self-talk. With audio it adds pitch range, loudness variation and "
    "speaking rate, and points out monotone stretches.",
    why="Interviewers hire people who want the job. Hedges and shrugs read as indifference, and a "
    "flat voice makes even good content sound bored; specific, energetic interest is remembered.",
    examples=(
        Example("I guess it's fine. I don't know, it's kind of similar to my last job.", "Why do you want this role?",
                flagged=True),
        Example("I'm excited about this role because your team builds the payments tools small shops rely on, and "
                "I'd love to help make checkout faster.", "Why do you want this role?", flagged=False),
        Example("Five years.", "How many years have you worked with Python?", flagged=False),
    ),
    severity="warning",
    options=(
        Option("threshold", 40.0, "Flag answers whose enthusiasm score (0-100) is below this.", minimum=0, maximum=100),
        Option("min-words", 12, "Answers shorter than this many words count as flat minimal answers.", minimum=1),
        Option("monotone-semitones", 2.0, "Pitch spread (10th-90th percentile, semitones) under which speech is "
               "monotone.", above=0),
        Option("monotone-seconds", 4.0, "Shortest stretch of speech that counts as monotone.", above=0),
        Option("flag-factual", False, "Also flag answers to short factual questions (scored either way; "
               "when off, they are left out of the check's pass rate)."),
        Option("flag-self-assessment", False, "Also flag answers to self-assessment questions (greatest strength "
               "or weakness: an honest weakness is no lack of enthusiasm; scored either way, and left out of the "
               "pass rate when off)."),
    ),
    annotations=(
        AnnotationKind("hedge", "Hedge", "dashed underline",
                       "Tentative wording ('I guess', 'kind of') that undercuts confidence."),
    ),
    namespace="enthusiasm",
    sentences=_encoder_texts,
    metrics=(
        Metric("score", "Enthusiasm from 0 to 100 (50: plain, neutral wording)."),
        Metric("components", "Each ingredient of the score: its measured value and the points it added "
               "(language_model, positive_emotion, interest, energy, future_intent, hedges, minimal_answer, "
               "negative_self_talk, and voice with audio)."),
    ),
    session_metrics=(
        SessionMetric("enthusiasm", "Mean enthusiasm score of the answers, 0-100 (enthusiasm check enabled)",
                      _pooled_score, trend="Enthusiasm (0-100)", out_of_100=True),
    ),
)

MAX_REASONS = 3
INTEREST_GAP = 10.0
"""How much a missing statement of interest weighs when ranking reasons (points it could add)."""
FUTURE_GAP = 6.0


def _chars(utterance: Utterance, start_s: float, end_s: float) -> tuple[int, int] | None:
    """Character range of the timed words spoken inside ``[start_s, end_s]``."""
    inside = [
        w
        for w in utterance.words
        if w.start_char is not None and w.end_char is not None and w.start is not None
        and w.start < end_s and (w.end if w.end is not None else w.start) > start_s
    ]
    if not inside:
        return None
    return min(w.start_char for w in inside), max(w.end_char for w in inside)


def _voice(answer: Answer, ctx: AnswerContext, words: int, opts: Mapping[str, Any]) -> "VoiceFeatures | None":
    """Voice features of the answer, or ``None`` for text input or an untimed answer."""
    utterance = answer.answer
    if ctx.audio is None or utterance.start_s is None or utterance.end_s is None:
        return None
    from analyzer.detectors.voice import analyse_voice

    return analyse_voice(
        ctx.audio,
        ctx.sample_rate,
        utterance.start_s,
        utterance.end_s,
        words=words,
        monotone_semitones=float(opts["monotone-semitones"]),
        monotone_seconds=float(opts["monotone-seconds"]),
        exclude=[(u.start_s, u.end_s) for u in answer.interjections if u.start_s is not None and u.end_s is not None],
    )


def _quote(hits: list[PhraseHit], limit: int = 3) -> str:
    seen: dict[str, None] = {}
    for h in hits:
        seen.setdefault(f"'{h.text}'", None)
    quoted = list(seen)
    return ", ".join(quoted[:limit]) + (", ..." if len(quoted) > limit else "")


def _reasons_and_advice(result: EnthusiasmScore, voice: "VoiceFeatures | None") -> tuple[list[str], list[str]]:
    """The main reasons for a low score, most costly first, and advice fitted to them."""
    c = result.components
    found: list[tuple[float, str, str]] = []  # (cost in points, reason, advice)
    hedges = result.hits_of("hedge")
    if hedges:
        found.append((-c["hedges"].points, f"{len(hedges)} hedge{'s' * (len(hedges) > 1)} ({_quote(hedges)})",
                      f"Drop the hedges ({_quote(hedges, 2)}): say 'I want to ...' or 'I'm confident that ...' instead."))
    if c["minimal_answer"].points < 0:
        found.append((-c["minimal_answer"].points, f"a minimal {result.words}-word answer",
                      "Give a fuller answer: two or three sentences with one concrete reason."))
    self_talk = result.hits_of("negative_self_talk")
    if self_talk:
        found.append((-c["negative_self_talk"].points, f"negative self-talk ({_quote(self_talk)})",
                      "Replace self-criticism with what you bring and what you are learning."))
    if c["interest"].detail.get("about_role_or_work", 0) == 0:
        found.append((INTEREST_GAP, "no stated interest in the role, company or work",
                      "Say what excites you about this role, with a concrete detail: a product, a project "
                      "or a problem they solve that you care about."))
    if c["future_intent"].value == 0:
        found.append((FUTURE_GAP, "no concrete plans or intent",
                      "Name one thing you would like to do in the job ('I'd love to help rebuild ...')."))
    if c["language_model"].points < 0:
        found.append((-c["language_model"].points, f"neutral wording (model: {c['language_model'].value:.0%} enthusiastic)",
                      "Use words that show energy and interest, tied to specifics of the role."))
    if voice is not None and c["voice"].points < 0:
        detail = f"a flat voice (pitch spread {voice.pitch_spread_st:.1f} semitones"
        if voice.monotone:
            detail += f", {voice.monotone_s:.0f} s monotone"
        found.append((-c["voice"].points, detail + ")",
                      "Let your voice rise on the parts you care about: vary pitch and pace instead of an even tone."))
    found.sort(key=lambda r: r[0], reverse=True)
    top = found[:MAX_REASONS]
    return [r for _, r, _ in top], [a for _, _, a in top]


def check(answer: Answer, ctx: AnswerContext, opts: Mapping[str, Any]) -> Findings:
    text = answer.answer.text
    if not text.strip():
        return Findings(assessed=False)
    min_words = int(opts["min-words"])
    words = count_words(text)
    voice = ctx.memo("enthusiasm-voice", lambda: _voice(answer, ctx, words, opts))
    result = score_text(text, min_words=min_words, voice=voice)
    found = Findings(metrics=result.as_metrics())
    # answers to factual and self-assessment questions are scored but flagged only when configured
    if answer.question_kind == QuestionKind.FACTUAL.value:
        found.assessed = bool(opts["flag-factual"])
    elif answer.question_kind == QuestionKind.SELF_ASSESSMENT.value:
        found.assessed = bool(opts["flag-self-assessment"])

    for hit in result.hits_of("hedge"):
        start_s, end_s = answer.answer.time_span(hit.start, hit.end)
        found.annotations.append(Annotation("hedge", hit.start, hit.end, hit.text, start_s, end_s))

    threshold = float(opts["threshold"])
    score = found.metrics["score"]
    if score >= threshold:
        return found
    if not found.assessed:
        return found

    reasons, advice = _reasons_and_advice(result, voice)
    evidence: list[Span] = [span(text, h.start, h.end, note="hedge") for h in result.hits_of("hedge")]
    evidence += [span(text, h.start, h.end, note="negative self-talk") for h in result.hits_of("negative_self_talk")]
    if result.components["minimal_answer"].points < 0:
        evidence.append(span(text, 0, len(text), note=f"minimal answer: {result.words} words"))
    for stretch in voice.monotone if voice is not None else ():
        chars = _chars(answer.answer, stretch.start_s, stretch.end_s) or (0, len(text))
        evidence.append(span(text, *chars, note=f"monotone {stretch.start_s:.1f}-{stretch.end_s:.1f} s: "
                             f"pitch spread {stretch.spread_st:.1f} semitones"))
    if not evidence:
        evidence.append(span(text, 0, len(text), note="no interest, energy or plans stated"))

    found.flags.append(
        flag(
            RULE,
            f"Enthusiasm score {score:.0f}/100 is below the threshold of {threshold:g}: "
            + "; ".join(reasons) + ".",
            " ".join(advice),
            measure="enthusiasm score",
            value=score,
            threshold=threshold,
            evidence=evidence,
            detail={"reasons": reasons},
        )
    )
    return found
