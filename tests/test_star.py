"""The missing-star check and its STAR clause tagger, on the real spaCy model and the
real trained model in models/star.joblib (plus the labelled data it is trained on)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from analyzer.checks import rules
from analyzer.checks import star as star_check
from analyzer.checks.context import AnswerContext
from analyzer.datamodel import Answer, QuestionKind, Transcript, Utterance, Word
from analyzer.detectors.star import LABELS, STAR_PARTS, load_model
from analyzer.text.clauses import segment_answer
from analyzer.errors import ConfigError
from analyzer.text.nlp import load_spacy

ROOT = Path(__file__).resolve().parent.parent

COMPLETE = (
    "At my last job I was a support team lead at a software company, and our response times had slipped to "
    "two days. My goal was to get them under four hours within a quarter. I analysed the tickets and wrote "
    "templates for the ten most common questions. I also changed the rota so that two people covered the busy "
    "mornings. By the end of the quarter our average response time was three hours and customer satisfaction "
    "rose from 78 to 90 percent."
)
NO_RESULT = (
    "So I was working in a restaurant as a waiter and one evening a customer complained that his steak was cold. "
    "I apologised and took the plate straight back to the kitchen. "
    "I asked the chef to cook a fresh one and I brought him a free drink while he waited."
)
NO_ACTION = (
    "Last year I was a shift manager at a cinema, and the ticket machines broke down on a premiere night. "
    "My job was to keep the queue moving so that nobody missed the start of the film. "
    "In the end every customer got in before the trailers finished and nobody asked for a refund."
)
WE_ACTIONS = (
    "At my last company our website kept crashing during big sales. "
    "We looked at the logs and we found the database was overloaded. "
    "We added caching and we moved the images to a CDN. "
    "After that the site handled three times the traffic without any downtime."
)
SITUATION_HEAVY = (
    "So this was at a mid-sized accounting firm in Leeds where I worked for three years. "
    "The firm had been around for about thirty years and the partners liked things done a certain way. "
    "There were eight of us on the team, running payroll for roughly sixty small firms. "
    "The payroll software was very old and it crashed almost every week. "
    "There was a lot of turnover at the time because people hated the software. "
    "Then in January, our busiest month, it crashed in the middle of a payroll run. "
    "I had to get every client paid on time. "
    "I re-entered the affected payslips by hand that evening. "
    "Every client was paid on time."
)


def _answer(text: str, kind: str = QuestionKind.BEHAVIOURAL.value, words: list[Word] | None = None) -> Answer:
    return Answer(
        id="q1",
        question=Utterance("Tell me about a time you had to solve a problem at work.", "Interviewer"),
        answer=Utterance(text, "Candidate", words=words or []),
        question_kind=kind,
    )


def _run(text: str, kind: str = QuestionKind.BEHAVIOURAL.value, **options):
    answer = _answer(text, kind)
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]))
    return star_check.check(answer, ctx, {**star_check.RULE.defaults(), **options})


def _star_flag(found):
    flags = [f for f in found.flags if f.code == "missing-star"]
    assert len(flags) <= 1
    return flags[0] if flags else None


# ---------------------------------------------------------------- the check on the real model


def test_complete_star_answer_is_not_flagged_and_all_parts_are_annotated():
    found = _run(COMPLETE)
    assert _star_flag(found) is None
    kinds = {a.kind for a in found.annotations}
    assert kinds == set(STAR_PARTS)
    for ann in found.annotations:
        assert COMPLETE[ann.start:ann.end] == ann.text
        assert 0.0 < ann.detail["confidence"] <= 1.0
    situation = next(a for a in found.annotations if a.kind == "situation")
    result = next(a for a in found.annotations if a.kind == "result")
    assert situation.start == 0 and "78 to 90 percent" in result.text
    assert found.metrics["missing"] == []
    assert found.metrics["result_measurable"] is True


def test_missing_result_is_named_with_evidence_where_it_was_expected():
    found = _run(NO_RESULT)
    flag = _star_flag(found)
    assert flag is not None and flag.severity == "warning"
    assert "result" in flag.detail["missing"] and "action" not in flag.detail["missing"]
    assert "Result" in flag.message
    assert flag.measure == "star_parts_present" and flag.threshold == 4 and flag.value == 4 - len(flag.detail["missing"])
    last = flag.evidence[-1] if flag.detail["missing"][-1] == "result" else None
    assert last is not None and NO_RESULT.endswith(last.text) and "without a result" in last.note
    assert "outcome" in flag.suggestion
    assert "result" not in {a.kind for a in found.annotations}


def test_missing_action_is_named():
    flag = _star_flag(_run(NO_ACTION))
    assert flag is not None
    assert flag.detail["missing"] == ["action"]
    assert "missing the Action" in flag.message and "found Situation, Task and Result" in flag.message
    assert "steps you took yourself" in flag.suggestion


def test_actions_told_only_with_we_count_as_missing_own_action():
    found = _run(WE_ACTIONS)
    flag = _star_flag(found)
    assert flag is not None
    assert "action" in flag.detail["missing"] and flag.detail["actions_only_we"] is True
    assert "only 'we' actions" in flag.message
    assert any("we" in e.text.lower() and e.note == "action told with 'we'" for e in flag.evidence)
    assert "'I" in flag.suggestion
    assert found.metrics["action_we_share"] == 1.0


def test_we_actions_at_or_under_the_hint_limit_still_give_their_evidence():
    # one 'we' action beside actions of other subjects: the we-share is not over the hint's
    # limit, yet with no 'I' action the Action counts as missing; its evidence is the 'we'
    # clauses themselves (this used to end the run with StopIteration)
    text = ("I set up a call with her, and we wrote down what the first release had to do. "
            "That stopped the changes. We shipped the refunds on time.")
    for share in (0.5, 1.0):
        flag = _star_flag(_run(text, **{"max-we-action-share": share}))
        if flag is not None and flag.detail["actions_only_we"]:
            assert any(e.note == "action told with 'we'" for e in flag.evidence)


def test_too_much_situation_is_a_hint_with_measured_share_against_the_limit():
    found = _run(SITUATION_HEAVY)
    share = found.metrics["situation_share"]
    assert share > 0.5
    flag = _star_flag(found)
    assert flag is not None
    hints = {h["hint"]: h for h in flag.detail["hints"]}
    assert hints["situation-share"]["threshold"] == 0.5
    assert f"{share:.0%}" in flag.message and "limit 50%" in flag.message
    assert any(e.note == "situation" for e in flag.evidence)
    assert "Cut the background" in flag.suggestion


@pytest.mark.xfail(reason="known model error (models/star.md): the closing 'Every client was paid on time.' is read as "
                   "situation, so the Result is missing and the flag is a warning, not the hint", strict=False)
def test_hint_only_flag_is_info_and_can_be_switched_off():
    found = _run(SITUATION_HEAVY, **{"required-parts": ["action", "result"]})
    flag = _star_flag(found)
    assert flag is not None and flag.severity == "info"
    assert flag.measure == "situation_share" and flag.value > flag.threshold == 0.5
    quiet = _run(SITUATION_HEAVY, **{"required-parts": ["action", "result"], "flag-hints": False})
    assert _star_flag(quiet) is None


@pytest.mark.xfail(reason="known model error (models/star.md): 'I also changed the rota so that two people covered the "
                   "busy mornings' is read as a result, and its 'two' counts as a number", strict=False)
def test_result_without_numbers_is_hinted():
    text = COMPLETE.replace(
        "By the end of the quarter our average response time was three hours and customer satisfaction rose "
        "from 78 to 90 percent.",
        "In the end customers were much happier and my manager thanked me.",
    )
    found = _run(text)
    assert found.metrics["result_measurable"] is False
    flag = _star_flag(found)
    assert flag is not None and flag.severity == "info"
    assert flag.measure == "result_numbers"
    assert "no number" in flag.message and "Put a number on the result" in flag.suggestion


def test_required_parts_are_configurable():
    flag = _star_flag(_run(NO_RESULT, **{"required-parts": ["situation", "action", "result"]}))
    assert flag is not None and flag.detail["missing"] == ["result"] and flag.threshold == 3


def test_unknown_required_part_is_a_config_error():
    from analyzer.config import from_mapping

    with pytest.raises(ConfigError, match="missing-star.required-parts: unknown value.* outcome"):
        from_mapping({"missing-star": {"required-parts": ["situation", "outcome"]}})


@pytest.mark.parametrize("kind", ["factual", "motivation", "other"])
def test_answers_to_non_behavioural_questions_are_not_checked(kind):
    found = _run(NO_RESULT, kind=kind)
    assert found.flags == [] and found.annotations == [] and found.metrics == {}
    assert not found.assessed  # out of scope: left out of missing-star's pass rate


def test_empty_answer_gets_nothing_and_a_non_answer_is_flagged_with_all_parts_missing():
    assert _run("   ") == star_check.Findings()
    flag = _star_flag(_run("Um, I can't think of one right now, sorry."))
    assert flag is not None and flag.value == 0 and "no STAR part found" in flag.message
    assert flag.detail["missing"] == list(STAR_PARTS)


def test_labels_are_plain_strings():
    found = _run(COMPLETE)
    assert all(type(a.kind) is str for a in found.annotations)


def test_checked_question_kinds_are_configurable():
    found = _run(NO_RESULT, kind="motivation", **{"question-kinds": ["behavioural", "motivation"]})
    assert _star_flag(found) is not None


def test_the_clauses_of_assessed_answers_are_encoded_in_the_sessions_batched_call(monkeypatch):
    from analyzer.checks.prepare import prepare
    from analyzer.text import encoder

    answers = [_answer(COMPLETE), _answer(NO_RESULT), _answer(WE_ACTIONS, kind="factual")]
    contexts = [AnswerContext(answer=a, transcript=Transcript(turns=[])) for a in answers]
    asked: list[list[str]] = []
    original = encoder.ContextEncoder._encode_sentences
    monkeypatch.setattr(encoder.ContextEncoder, "_encode_sentences",
                        lambda self, batch: asked.append(list(batch)) or original(self, batch))
    with encoder.session_vectors():
        prepare(contexts, [star_check.RULE])
        for answer, ctx in zip(answers, contexts):
            star_check.check(answer, ctx, star_check.RULE.defaults())
    assert len(asked) == 1  # the checks found every clause encoded
    assert "We added caching and we moved the images to a CDN." not in asked[0]  # a factual answer: not assessed
    assert len(asked[0]) == len(segment_answer(contexts[0].doc)) + len(segment_answer(contexts[1].doc))


def test_annotations_carry_word_times_when_known():
    text = NO_RESULT
    words, pos, t = [], 0, 0.0
    for token in text.split(" "):
        start = text.index(token, pos)
        words.append(Word(token, start=t, end=t + 0.3, start_char=start, end_char=start + len(token)))
        pos, t = start + len(token), t + 0.4
    answer = _answer(text, words=words)
    found = star_check.check(answer, AnswerContext(answer=answer, transcript=Transcript(turns=[])),
                             star_check.RULE.defaults())
    assert found.annotations and all(a.start_s is not None and a.end_s > a.start_s for a in found.annotations)
    assert found.annotations[0].start_s == 0.0


def test_rule_is_registered_and_documents_its_options():
    rule = rules()["missing-star"]
    assert tuple(k.kind for k in rule.annotations) == STAR_PARTS
    assert {o.name for o in rule.options} >= {"question-kinds", "max-situation-share", "max-we-action-share"}


# ---------------------------------------------------------------- segmentation and the bundled model


def test_run_on_speech_is_split_into_clauses_with_exact_offsets():
    text = ("so we had this client and they were really unhappy and I was asked to fix it so I set up a call "
            "and then I rewrote the import script, which cut the errors by 80 percent")
    segments = segment_answer(load_spacy()(text))
    assert len(segments) >= 4
    assert all(text[s.start:s.end] == s.text for s in segments)
    assert any(s.text.startswith("which cut") for s in segments)
    assert not any(s.text.startswith("so that") for s in segment_answer(load_spacy()(COMPLETE)))


def test_bundled_model_predicts_every_label():
    model = load_model()
    assert set(model.classes) == set(LABELS)


# ---------------------------------------------------------------- the labelled data


def test_training_data_is_well_formed_and_grouped_by_answer():
    rows = [json.loads(line) for line in (ROOT / "models" / "star_sentences.jsonl").read_text().splitlines()]
    by_answer: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        assert row["label"] in LABELS and row["text"].strip()
        by_answer[row["answer_id"]].append(row)
    assert len(by_answer) >= 150
    for answer_id, units in by_answer.items():
        assert [u["index"] for u in units] == list(range(len(units))), answer_id
        assert len({u["question"] for u in units}) == 1
    answers_without = {p: sum(all(u["label"] != p for u in units) for units in by_answer.values()) for p in STAR_PARTS}
    assert all(count >= 10 for count in answers_without.values()), answers_without


# ---------------------------------------------------------------- end to end


def test_pipeline_flags_and_annotates_star_in_a_transcript(tmp_path):
    transcript = tmp_path / "session.txt"
    transcript.write_text(
        "Interviewer: Thanks for coming in. Tell me about a time you had to meet a tight deadline.\n"
        f"Candidate: {COMPLETE}\n"
        "Interviewer: Describe a situation where you dealt with an unhappy customer.\n"
        f"Candidate: {NO_RESULT}\n"
        "Interviewer: What is your notice period?\n"
        "Candidate: Four weeks, so I could start at the beginning of next month.\n",
        encoding="utf-8",
    )
    from analyzer import analyze
    from analyzer.config import Config

    report = analyze(transcript, Config(select=["missing-star"]).validate())
    by_kind = {a.question_kind: a for a in report.answers}
    assert set(by_kind) == {"behavioural", "factual"}
    behavioural = [a for a in report.answers if a.question_kind == "behavioural"]
    assert len(behavioural) == 2
    complete, no_result = behavioural
    assert not [f for f in complete.flags if f.code == "missing-star"]
    assert {a.kind for a in complete.annotations} >= set(STAR_PARTS)
    flag = next(f for f in no_result.flags if f.code == "missing-star")
    assert "result" in flag.detail["missing"]
    assert not [f for f in by_kind["factual"].flags if f.code == "missing-star"]
    assert "star" in complete.metrics and "star" not in by_kind["factual"].metrics


def test_sample_interviews_strong_story_passes_and_weak_story_is_flagged(samples):
    from analyzer import analyze
    from analyzer.config import Config

    config = Config(select=["missing-star"]).validate()
    strong = next(a for a in analyze(samples / "strong_candidate.txt", config).answers
                  if a.question_kind == "behavioural")
    assert not strong.flags and {a.kind for a in strong.annotations} == set(STAR_PARTS)
    weak = next(a for a in analyze(samples / "weak_candidate.vtt", config).answers
                if a.question_kind == "behavioural")
    flag = next(f for f in weak.flags if f.code == "missing-star")
    # "which, like, didn't help at all" is an outcome without numbers: a result since #24
    assert "action" in flag.detail["missing"] and flag.detail["actions_only_we"]
    assert not any(e.text.startswith((",", " ")) for e in flag.evidence)


def test_no_required_parts_with_a_hint_is_an_info_flag_not_a_crash(tmp_path):
    # required-parts = [] left _join() an empty list: IndexError (exit 5) whenever a hint fired
    import subprocess
    import sys

    assert star_check._join([]) == "none" and star_check._join(["action"]) == "Action"
    assert star_check._join(["situation", "task", "action"]) == "Situation, Task and Action"
    (tmp_path / "interview-analyzer.toml").write_text("[missing-star]\nrequired-parts = []\n")
    (tmp_path / "we.txt").write_text("Interviewer: Tell me about a time you led a project.\n"
                                     "Candidate: We planned it. We did it. We shipped it and we won.\n")
    result = subprocess.run([sys.executable, "-m", "analyzer", "analyze", "we.txt", "--format", "json", "--out", "-"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    flags = [f for f in json.loads(result.stdout)["answers"][0]["flags"] if f["code"] == "missing-star"]
    assert [(f["severity"], f["message"].split(" (")[0]) for f in flags] == [("info", "STAR parts all present")]
