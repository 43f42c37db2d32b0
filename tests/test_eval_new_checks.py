"""The labelled set of scripts/eval_new_checks.py: large enough, both labels per check, and written for the
evaluation: no sentence of it is a test string or a rule example (and none of those is in it)."""

from __future__ import annotations

import json
from pathlib import Path

from test_training_overlap import normalise, sentences, string_literals_of_tests

DATA = Path(__file__).resolve().parents[1] / "data" / "checks_eval" / "answers.jsonl"


def items() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_has_at_least_60_answers_with_both_labels_per_check():
    rows = items()
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    for check in ("unprepared", "non-answer", "no-questions"):
        labels = [r["label"] for r in rows if r["check"] == check]
        assert 0 in labels and 1 in labels, check


def test_no_answer_of_the_set_is_a_test_string_or_a_rule_example():
    from analyzer.checks import rules

    written = [e.answer for rule in rules().values() for e in rule.examples] + string_literals_of_tests()
    tests_corpus = " " + "  ".join(normalise(t) for t in written) + " "
    eval_corpus = " " + "  ".join(normalise(r["answer"]) for r in items()) + " "
    copied = [s for r in items() for s in sentences(r["answer"]) if f" {normalise(s)} " in tests_corpus]
    copied += [s for t in written for s in sentences(t) if f" {normalise(s)} " in eval_corpus]
    assert copied == []
