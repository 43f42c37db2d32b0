"""low-enthusiasm check, language scoring (real bundled model) and voice measures (real audio)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.checks import enthusiasm as check_module
from analyzer.checks import registry
from analyzer.checks.context import AnswerContext
from analyzer.datamodel import Answer, QuestionKind, Transcript, Utterance, Word
from analyzer.detectors.enthusiasm import find_hedges, load_model, model_probability, score_text, sentence_vectors
from analyzer.detectors.voice import analyse_voice
from analyzer.report.json import report_to_dict

FIXTURES = Path(__file__).parent / "fixtures"
QUESTION = "Why do you want to work here?"
EAGER = (
    "This role is exactly what I've been hoping to find. Your team builds the payment tools that small shops rely on "
    "every day, and I'd love to help make checkout faster. In my first months I want to dig into the "
    "fraud checks, because that problem genuinely fascinates me."
)
FLAT = "I guess it's fine. I don't know, it's kind of similar to my last job, whatever."


def make_answer(text: str, kind: str = QuestionKind.MOTIVATION.value, **timing) -> Answer:
    return Answer(
        id="q1",
        question=Utterance(text=QUESTION, speaker="A"),
        answer=Utterance(text=text, speaker="B", **timing),
        question_kind=kind,
    )


def run(answer: Answer, audio: np.ndarray | None = None, **options):
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]), audio=audio)
    return check_module.check(answer, ctx, {**check_module.RULE.defaults(), **options})


def load_fixture(name: str) -> np.ndarray:
    from analyzer.readers.audio import decode_audio

    decoded = decode_audio(FIXTURES / f"voice_{name}.ogg")
    assert decoded.sample_rate == 16000 and decoded.samples.ndim == 1
    return decoded.samples


def timed_words(text: str, start_s: float, end_s: float) -> list[Word]:
    """Words of ``text`` spread evenly over ``[start_s, end_s]`` with character offsets."""
    tokens, pos = [], 0
    for token in text.split():
        pos = text.index(token, pos)
        tokens.append((token, pos, pos + len(token)))
        pos += len(token)
    step = (end_s - start_s) / len(tokens)
    return [Word(t, start_s + i * step, start_s + (i + 1) * step, start_char=a, end_char=b) for i, (t, a, b) in enumerate(tokens)]


def test_registered():
    assert registry()["low-enthusiasm"] is check_module
    assert [k.kind for k in check_module.RULE.annotations] == ["hedge"]


def test_hedges_annotated_with_exact_spans():
    found = run(make_answer(FLAT))
    hedges = [a for a in found.annotations if a.kind == "hedge"]
    assert [a.text for a in hedges] == ["I guess", "it's fine", "I don't know", "kind of", "whatever"]
    for a in hedges:
        assert FLAT[a.start : a.end] == a.text


def test_noun_uses_are_not_hedges():
    text = "That is the kind of team I want, and I'll do whatever it takes. What sort of projects run here?"
    assert find_hedges(text) == []
    assert [h.text for h in find_hedges("It's sort of done, kinda, and probably fine.")] == ["sort of", "kinda", "probably"]


def test_curly_apostrophes_and_case():
    text = "I DON\u2019T KNOW, it\u2019s fine."
    assert [h.text for h in find_hedges(text)] == ["I DON\u2019T KNOW", "it\u2019s fine"]


def test_eager_answer_scores_clearly_above_flat_hedging_one():
    eager = run(make_answer(EAGER))
    flat = run(make_answer(FLAT))
    eager_score = eager.metrics["score"]
    flat_score = flat.metrics["score"]
    assert eager_score - flat_score >= 40, (eager_score, flat_score)
    assert eager_score >= 70 and not eager.flags
    components = eager.metrics["components"]
    assert components["interest"]["about_role_or_work"] >= 2
    assert components["future_intent"]["value"] >= 2
    assert "voice" not in components  # text input: no voice measurement

    (low,) = flat.flags
    assert low.code == "low-enthusiasm" and low.value == pytest.approx(flat_score, abs=0.1)
    assert low.threshold == 40.0
    assert f"{flat_score:.0f}/100" in low.message and "threshold of 40" in low.message
    assert "hedge" in low.message and "'I guess'" in low.message
    assert {e.text for e in low.evidence if e.note == "hedge"} == {"I guess", "it's fine", "I don't know", "kind of", "whatever"}
    assert "excites you about this role" in low.suggestion


def test_model_alone_separates_eager_from_neutral():
    bundle = load_model()
    p_eager, p_neutral = model_probability([EAGER, "The office is on the third floor next to the station."])
    assert p_eager > 0.7 > 0.3 > p_neutral
    assert 0.0 < bundle["neutral_probability"] < 0.5
    voters = bundle["pipeline"].named_estimators_
    assert len(dict(voters["words"].named_steps["features"].transformer_list)["words"].vocabulary_) <= 10000
    assert voters["vectors"].named_steps["vectors"].func is sentence_vectors  # the bundled encoder, not a cache


def test_minimal_answer_and_negative_self_talk_are_evidence():
    found = run(make_answer("Not sure."))
    (low,) = found.flags
    assert any(e.note == "minimal answer: 2 words" for e in low.evidence)
    assert "Give a fuller answer" in low.suggestion
    found = run(make_answer("I'm not good at this kind of thing and I'm no expert, but I could do the job I suppose."))
    (low,) = found.flags
    assert {e.text for e in low.evidence if e.note == "negative self-talk"} == {"I'm not good at", "I'm no expert"}
    assert found.metrics["components"]["negative_self_talk"]["value"] == 2


def test_threshold_and_factual_questions_are_configurable():
    assert not run(make_answer(FLAT), threshold=0.0).flags
    assert not run(make_answer(FLAT, kind=QuestionKind.FACTUAL.value)).flags
    assert not run(make_answer(FLAT, kind=QuestionKind.FACTUAL.value)).assessed  # out of the pass rate
    assert run(make_answer(FLAT, kind=QuestionKind.FACTUAL.value), **{"flag-factual": True}).assessed


def test_answers_to_self_assessment_questions_are_scored_but_flagged_only_when_asked():
    """They were classified factual (never flagged) before they had a kind of their own; an honest
    weakness is no lack of enthusiasm."""
    weakness = make_answer(FLAT, kind=QuestionKind.SELF_ASSESSMENT.value)
    found = run(weakness)
    assert not found.flags and not found.assessed and "score" in found.metrics
    flagged = run(weakness, **{"flag-self-assessment": True})
    assert flagged.flags and flagged.assessed
    assert run(make_answer(FLAT, kind=QuestionKind.FACTUAL.value), **{"flag-factual": True}).flags


def test_voice_tells_monotone_from_lively_speech():
    words = len((FIXTURES / "voice_answer.txt").read_text(encoding="utf-8").split())
    monotone = analyse_voice(load_fixture("monotone"), 16000, 0.0, 8.8, words=words)
    lively = analyse_voice(load_fixture("lively"), 16000, 0.0, 8.8, words=words)
    assert monotone is not None and lively is not None
    assert monotone.pitch_spread_st < 2.0 < 4.0 < lively.pitch_spread_st
    assert monotone.monotone and monotone.monotone_s >= 4.0
    assert not lively.monotone
    assert lively.liveliness - monotone.liveliness > 0.3


def test_voice_leaves_out_interjections():
    lively = load_fixture("lively")
    mixed = np.concatenate([load_fixture("monotone")[: 16000 * 6], lively[16000 * 2 : 16000 * 4]])
    assert analyse_voice(mixed, 16000, 0.0, 8.0).pitch_spread_st > 2.0
    assert analyse_voice(mixed, 16000, 0.0, 8.0, exclude=[(6.0, 8.0)]).pitch_spread_st < 2.0


def test_voice_needs_enough_speech():
    assert analyse_voice(np.zeros(16000 * 3, dtype=np.float32), 16000, 0.0, 3.0) is None
    assert analyse_voice(load_fixture("lively"), 16000, 1.0, 1.5) is None


def test_check_with_audio_adds_voice_and_monotone_evidence():
    text = (FIXTURES / "voice_answer.txt").read_text(encoding="utf-8").strip()
    timing = {"start_s": 0.0, "end_s": 8.8, "words": timed_words(text, 0.3, 8.5)}
    lively = run(make_answer(text, **timing), audio=load_fixture("lively"))
    # This eager text alone scores 100 (capped): a minimal-answer penalty brings the monotone reading under the cap.
    monotone = run(make_answer(text, **timing), audio=load_fixture("monotone"), threshold=100.0, **{"min-words": 60})
    lively_voice = lively.metrics["components"]["voice"]
    monotone_voice = monotone.metrics["components"]["voice"]
    assert lively_voice["points"] > 0 > monotone_voice["points"]
    assert monotone_voice["monotone_s"] >= 4.0 and monotone_voice["pitch_spread_semitones"] < 2.0
    lively_points, monotone_points = (sum(c["points"] for c in r.metrics["components"].values()) for r in (lively, monotone))
    assert lively_points > monotone_points  # before the 0-100 clamp: this eager text alone can reach 100
    assert lively.metrics["score"] >= monotone.metrics["score"]
    (low,) = monotone.flags
    stretches = [e for e in low.evidence if e.note and e.note.startswith("monotone")]
    assert stretches and stretches[0].text.startswith("I am really excited")
    assert "flat voice" in low.message and "vary pitch" in low.suggestion


def test_monotone_voice_alone_flags_a_neutral_answer():
    text = "The office is on the third floor, and the weekly planning meeting starts at nine on Mondays after the standup."
    timing = {"start_s": 0.0, "end_s": 8.8, "words": timed_words(text, 0.3, 8.5)}
    lively = run(make_answer(text, **timing), audio=load_fixture("lively"))
    monotone = run(make_answer(text, **timing), audio=load_fixture("monotone"))
    assert not lively.flags
    (low,) = monotone.flags
    assert low.message.startswith("Enthusiasm score") and "flat voice" in low.message
    assert [e.note for e in low.evidence if e.note and e.note.startswith("monotone")]


def test_hedge_annotation_gets_times_from_words():
    words = timed_words(FLAT, 10.0, 14.0)
    found = run(make_answer(FLAT, start_s=10.0, end_s=14.0, words=words))
    first = found.annotations[0]
    assert first.text == "I guess" and first.start_s == pytest.approx(10.0) and first.end_s is not None


def test_score_is_bounded_and_components_add_up():
    for text in (EAGER, FLAT, "Yes.", "I love it! " * 30):
        result = score_text(text)
        assert 0.0 <= result.score <= 100.0
        total = 50.0 + sum(c.points for c in result.components.values())
        assert result.score == pytest.approx(min(100.0, max(0.0, total)))


def test_pipeline_end_to_end_text():
    from analyzer import analyze

    transcript = f"Interviewer: {QUESTION}\nCandidate: {EAGER}\nInterviewer: What interests you about this role?\nCandidate: {FLAT}\n"
    report = analyze(transcript)
    eager, flat = report.answers
    assert "voice" not in eager.metrics["enthusiasm"]["components"]
    assert eager.metrics["enthusiasm"]["score"] > flat.metrics["enthusiasm"]["score"] + 40
    assert [f.code for f in flat.flags if f.code == "low-enthusiasm"] == ["low-enthusiasm"]
    assert not [f for f in eager.flags if f.code == "low-enthusiasm"]
    data = report_to_dict(report)
    assert data["answers"][1]["metrics"]["enthusiasm"]["components"]["hedges"]["count"] == 5
    assert {a["text"] for a in data["answers"][1]["annotations"] if a["kind"] == "hedge"} >= {"I guess", "whatever"}


def test_pipeline_with_session_audio_measures_voice():
    """The pipeline hands the decoded session audio to the check (reference turns stand in for ASR)."""
    import json

    from analyzer.datamodel import Turn
    from analyzer.pipeline import Analyzer
    from analyzer.readers.audio import decode_audio

    samples = Path(__file__).parent.parent / "sample_transcripts"
    reference = json.loads((samples / "mock_interview_audio.reference.json").read_text(encoding="utf-8"))
    turns = [Turn(speaker=t["speaker"], text=t["text"], start=t["start"], end=t["end"]) for t in reference["turns"]]
    report = Analyzer().analyze_transcript(Transcript(turns=turns), audio=decode_audio(samples / "mock_interview_audio.ogg"))
    voiced = [a.metrics["enthusiasm"]["components"]["voice"] for a in report.answers]
    assert voiced and all(v["voiced_s"] > 1.0 and v["pitch_spread_semitones"] > 2.0 for v in voiced)
