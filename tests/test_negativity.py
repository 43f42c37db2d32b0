"""employer-negativity on the real spaCy model and the bundled classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from script_modules import load_script

from analyzer.checks import negativity as check_module
from analyzer.checks.context import AnswerContext, Findings
from analyzer.datamodel import Answer, Transcript, Utterance
from analyzer.text.clauses import units_of
from analyzer.text.questions import question_about_job, question_about_leaving
from analyzer.detectors.negativity.model import load_model
from analyzer.text.nlp import load_spacy

training = load_script("train_negativity")  # the training code lives in scripts/
load_examples = training.load_examples

LEAVE = "Why did you leave your last job?"


def run(answer_text: str, question: str = "Tell me about yourself.", **options: object) -> Findings:
    answer = Answer(
        id="a1",
        question=Utterance(text=question, speaker="Interviewer"),
        answer=Utterance(text=answer_text, speaker="Candidate"),
    )
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]))
    return check_module.check(answer, ctx, {**check_module.RULE.defaults(), **options})


def spans(found: Findings) -> list[tuple[int, int, str]]:
    return [(a.start, a.end, a.text) for a in found.annotations]


def exact(text: str, part: str) -> tuple[int, int, str]:
    start = text.index(part)
    return start, start + len(part), part


# ------------------------------------------------------------------ what is flagged


def test_explicit_insult_is_an_error_on_the_exact_clause():
    text = "Honestly, my old boss was incompetent."
    found = run(text)
    assert spans(found) == [exact(text, "my old boss was incompetent")]
    assert all(a.kind == "negativity" for a in found.annotations)
    (flag,) = found.flags
    assert flag.code == "employer-negativity"
    assert flag.severity == "error"
    assert "your old boss" in flag.message and "incompetent" in flag.message
    assert flag.measure == "probability" and flag.threshold == 0.5 and flag.value >= 0.5
    assert [(e.start, e.end, e.text) for e in flag.evidence] == spans(found)


@pytest.mark.xfail(reason="known failure of the encoder model (models/negativity.md, Known failures)", strict=False)
def test_implied_by_the_question_marks_each_clause():
    text = "They kept paying us late and the management was a joke."
    found = run(text, LEAVE)
    assert spans(found) == [exact(text, "They kept paying us late"), exact(text, "the management was a joke")]
    (flag,) = found.flags
    assert flag.severity == "error"  # contempt: "a joke"
    assert "a joke" in flag.message
    remarks = flag.detail["remarks"]
    assert [r["complaint"] for r in remarks] == ["pay", "management"]


@pytest.mark.xfail(reason="known failure of the encoder model (models/negativity.md, Known failures)", strict=False)
def test_the_question_decides_what_they_refers_to():
    text = "They always paid us late."
    about_leaving = run(text, LEAVE)
    elsewhere = run(text, "Tell me about a project you are proud of.")
    assert about_leaving.metrics["probability"] > elsewhere.metrics["probability"]
    assert about_leaving.flags and spans(about_leaving) == [exact(text, "They always paid us late")]


@pytest.mark.xfail(reason="known failure of the encoder model (models/negativity.md, Known failures)", strict=False)
def test_clauses_about_different_targets_are_separate_evidence():
    text = (
        "I'm a nurse with six years on a surgical ward. I loved my patients, "
        "but my supervisor was a lazy idiot and the hospital was a joke."
    )
    found = run(text)
    assert spans(found) == [exact(text, "my supervisor was a lazy idiot"), exact(text, "the hospital was a joke")]
    (flag,) = found.flags
    assert "your supervisor" in flag.message and "the hospital" in flag.message


def test_spoken_style_with_fillers():
    text = "Um, so, like, my manager was, you know, a total nightmare, honestly."
    found = run(text, "What was your last manager like?")
    assert found.flags
    (start, end, quoted), = spans(found)
    assert quoted == text[start:end] and quoted.startswith("my manager")


def test_pronoun_is_read_against_the_earlier_target():
    text = "My manager was honestly useless. He never did anything about the problems."
    found = run(text, "Tell me about a conflict at work.")
    targets = [r["target"] for r in found.flags[0].detail["remarks"]]
    assert targets[0] == "your manager"
    assert all("manager" in t for t in targets)


@pytest.mark.parametrize(("question", "text", "quoted"), [
    # the bundled weak_candidate.vtt q4: the insult sits in a phrase of a 30-word clause about a warehouse
    ("How many years have you worked with SQL?",
     "Um, so, SQL, yeah, and then at my last job, the one I told you about, with the useless manager, we had, "
     "like, a data warehouse, sort of, and I wrote some queries there too.", "with the useless manager"),
    ("Why did you leave?", "At my previous company, where the incompetent director ran every meeting for two hours, "
     "we shipped almost nothing that year.", "where the incompetent director ran every meeting for two hours"),
    ("Why did you leave?", "My manager was honestly useless.", "My manager was honestly useless"),  # short: whole
])
def test_a_long_clause_is_quoted_by_the_phrase_that_holds_its_insult(question: str, text: str, quoted: str):
    found = run(text, question)
    assert [a.text for a in found.annotations] == [quoted]
    assert [e.text for e in found.flags[0].evidence] == [quoted]
    assert found.annotations[0].detail["target"] in {"the manager", "the director", "your manager"}


@pytest.mark.xfail(reason="known failure of the encoder model (models/negativity.md, Known failures)", strict=False)
def test_a_pronoun_subject_after_two_nouns_is_the_nearest_one():
    # the bundled filler_heavy_answer sample: spaCy makes "developer" a subject of "kept" beside "she"
    text = ("Um, yeah. So, at my last job I was, like, the only backend developer on the payments team, and our "
            "product manager, uh, she kept changing the scope of the refund feature.")
    found = run(text, "Can you tell me about a time you had to deal with a difficult stakeholder?")
    targets = [r["target"] for r in found.flags[0].detail["remarks"]]
    assert targets == ["your product manager"], targets
    assert found.flags[0].message.startswith("Mild complaint about your product manager:"), found.flags[0].message


# ------------------------------------------------------------------ what is not flagged


@pytest.mark.parametrize(
    ("question", "text"),
    [
        pytest.param("What was your last manager like?", "My last boss wasn't bad.", marks=pytest.mark.xfail(reason="known failure of the encoder model (models/negativity.md, Known failures)", strict=False)),
        ("What was your last manager like?", "I wouldn't call him a bad boss, he was just overloaded."),
        ("How did you get on with your coworkers?", "I don't think my colleagues were lazy, they were stretched thin."),
    ],
)
def test_negated_and_softened_statements_pass(question: str, text: str):
    found = run(text, question)
    assert not found.flags and not found.annotations


@pytest.mark.parametrize(
    "text",
    [
        "I wanted a role where I could take on more responsibility.",
        "After the re-org the role changed, so I looked for something closer to engineering.",
        "I'd learned a lot in four years there, and I'm ready to lead a team, which is what this role offers.",
        "The company was acquired and my job moved to another city, so I decided to stay and look for a new challenge.",
    ],
)
def test_constructive_framing_passes(text: str):
    assert not run(text, LEAVE).flags


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("What's your biggest weakness?", "I struggled with deadlines at first, so I started planning my week on Mondays."),
        ("Tell me about a mistake you made.", "I was terrible at delegating, and the project slipped because of me."),
        ("Tell me about a challenge.", "The legacy system was slow and kept crashing, so I rewrote the import job."),
    ],
)
def test_self_critical_and_problem_talk_passes(question: str, text: str):
    assert not run(text, question).flags


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("What was your last manager like?", "Great, honestly, she was the best mentor I've had."),
        (LEAVE, "It was a wonderful team and I'm grateful, but I want to move into healthcare."),
    ],
)
def test_positive_talk_about_the_old_employer_passes(question: str, text: str):
    found = run(text, question)
    assert not found.flags
    assert found.metrics["probability"] < 0.5


# ------------------------------------------------------------------ severity, message, suggestion, options


def test_severity_rises_with_intensity():
    mild = run("My manager could be a bit disorganised at times.", LEAVE)
    hostile = run("My manager was a spineless idiot.", LEAVE)
    assert mild.flags[0].severity == "warning"
    assert mild.flags[0].detail["remarks"][0]["intensity"] == 1
    assert "mild complaint" in mild.flags[0].message.lower()
    assert hostile.flags[0].severity == "error"
    assert hostile.flags[0].detail["remarks"][0]["intensity"] == 3
    assert "idiot" in hostile.flags[0].message


def test_severity_is_learned_not_listed():
    # the intensity model rates contempt without any insult word of the lexicon as more than mild
    contempt = run("Frankly the people running that firm treated every one of us like dirt under their shoes.", LEAVE)
    assert contempt.flags and contempt.flags[0].detail["remarks"][0]["intensity"] >= 2


def test_flag_measures_what_the_answer_metric_reports(samples: Path):
    # weak_candidate.vtt q4: the flag measures the answer's highest unit, at least any highlighted clause
    from analyzer import analyze

    answer = analyze(samples / "weak_candidate.vtt").answers[3]
    [flagged] = [f for f in answer.flags if f.code == "employer-negativity"]
    assert flagged.value == answer.metrics["negativity"]["probability"]
    assert flagged.value >= max(r["probability"] for r in flagged.detail["remarks"])


def test_suggestion_is_fitted_to_target_and_complaint():
    pay = run("Um, the pay was, like, really bad and they were cheap about everything.", LEAVE).flags[0]
    clients = run(
        "The customers were rude and honestly awful to deal with.", "What was the hardest part of your last job?"
    ).flags[0]
    colleagues = run("My coworkers were lazy and left everything to me.", "Tell me about a conflict at work.").flags[0]
    suggestions = {pay.suggestion, clients.suggestion, colleagues.suggestion}
    assert len(suggestions) == 3
    assert "pay" in pay.suggestion and "reason for leaving" in pay.suggestion
    assert "client" in clients.suggestion and "reason for leaving" not in clients.suggestion
    assert "team" in colleagues.suggestion


def test_threshold_is_configurable():
    text = "My manager could be a bit disorganised at times."
    strict = run(text, LEAVE, threshold=0.99)
    assert not strict.flags and not strict.annotations
    assert strict.metrics["probability"] < 0.99


def test_threshold_outside_zero_one_is_a_config_error():
    from analyzer.config import from_mapping
    from analyzer.errors import ConfigError

    for bad in (1.5, 0.0):
        with pytest.raises(ConfigError, match=r"employer-negativity\.threshold must be a number above 0 and at most 1"):
            from_mapping({"employer-negativity": {"threshold": bad}})


def test_rule_is_registered_and_documented():
    from analyzer.checks import rules

    rule = rules()["employer-negativity"]
    assert tuple(k.kind for k in rule.annotations) == ("negativity",)
    assert rule.defaults() == {"threshold": 0.5}


# ------------------------------------------------------------------ parts


def test_clause_units_keep_negation_scope():
    doc = load_spacy()("I wouldn't say the place was awful. Our wages always came weeks late and the directors were a joke.")
    units = [(u.kind, doc[u.start : u.end].text) for u in units_of(doc)]
    assert ("sentence", "I wouldn't say the place was awful") in units
    assert not any(text == "the place was awful" for _, text in units)
    assert ("clause", "Our wages always came weeks late") in units
    assert ("clause", "the directors were a joke") in units


def test_question_patterns():
    assert question_about_leaving(LEAVE) and question_about_job(LEAVE)
    assert question_about_job("What was your previous manager like?")
    assert not question_about_leaving("What was your previous manager like?")
    assert not question_about_job("How many years have you worked with SQL?")


def test_retraining_is_deterministic():
    examples = load_examples()[::7]
    items, table = training.featurise(examples, [])
    vectors = table.vectors()
    first = training.fit(items, table, vectors, training.CHOSEN_C, training.CHOSEN_REAL_WEIGHT)
    second = training.fit(items, table, vectors, training.CHOSEN_C, training.CHOSEN_REAL_WEIGHT)
    assert training.item_scores(first, items, table, vectors) == training.item_scores(second, items, table, vectors)
    assert len(training.item_scores(first, items, table, vectors)) == len(examples)


def test_training_data_is_labelled_and_split():
    examples = load_examples()
    assert len(examples) >= 500
    assert {e.split for e in examples} == {"train", "heldout"}
    assert len({e.text for e in examples}) == len(examples)
    for e in examples:
        assert e.label in (0, 1)
        assert (e.intensity > 0) == (e.label == 1)
    categories = {e.category for e in examples}
    assert {"explicit", "implied", "negation", "constructive", "self-critical", "positive", "problem"} <= categories


# ------------------------------------------------------------------ end to end


def test_end_to_end_on_a_sample_transcript(samples):
    from analyzer import analyze
    from analyzer.config import Config

    report = analyze(samples / "weak_candidate.vtt", Config(select=["employer-negativity"]))
    leaving = next(a for a in report.answers if "leave" in a.question.text)
    (flag,) = [f for f in leaving.flags if f.code == "employer-negativity"]
    assert flag.severity == "error"
    quoted = [a.text for a in leaving.annotations if a.kind == "negativity"]
    assert "the management there was a joke" in quoted
    assert "my boss was completely incompetent" in quoted
    for a in leaving.annotations:
        assert leaving.answer.text[a.start : a.end] == a.text
    interest = next(a for a in report.answers if "interests you" in a.question.text)
    assert not [f for f in interest.flags if f.code == "employer-negativity"]


def _negated_by_walking(token, span) -> bool:
    """The definition, one token at a time: a preceding "neg" child of the token or of an ancestor in the span."""
    node = token
    while True:
        if any(c.dep_ == "neg" and c.i < token.i for c in node.children):
            return True
        if node.head.i == node.i or not (span.start <= node.head.i < span.end):
            return False
        node = node.head


@pytest.mark.parametrize("text", [
    "I don't think they were bad, and they never paid us late or treated anyone badly.",
    "It wasn't that the manager was rude; he just did not listen, and I could not stay.",
    "Interviewer: no. " + "and more " * 60,
])
def test_negation_scope_matches_its_definition_and_is_one_pass(text: str):
    from analyzer.detectors.negativity.features import negation_scope

    doc = load_spacy()(text)
    for span in [doc[:], *doc.sents]:
        expected = {t.i for t in span if _negated_by_walking(t, span)}
        assert negation_scope(span) == expected
