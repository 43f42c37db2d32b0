"""Precision and recall of the unprepared, non-answer and no-questions checks on their labelled set.

    python scripts/eval_new_checks.py [--json] [--errors]

data/checks_eval/answers.jsonl holds 80 answers written for this evaluation (#29), not taken from the
tests or the rules' examples (tests/test_eval_new_checks.py checks that), each labelled 1 when the check
should flag it. The checks run with their default options and were not tuned on this set. unprepared and
non-answer run on the answer to its question alone (its question kind from the question classifier);
no-questions runs on a two-question transcript whose second question is the invitation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analyzer.checks import non_answer, unprepared
from analyzer.checks.context import AnswerContext
from analyzer.config import Config
from analyzer.datamodel import Answer, Transcript, Utterance
from analyzer.pipeline import analyze
from analyzer.text.questions import classify_question

DATA = Path(__file__).resolve().parents[1] / "data" / "checks_eval" / "answers.jsonl"
OPENING = ("Interviewer: Tell me about your current role.\n"
           "Candidate: I run the reporting team at a regional bank and look after our dashboards.\n")


def flagged(item: dict) -> bool:
    if item["check"] == "no-questions":
        report = analyze(OPENING + f"Interviewer: {item['question']}\nCandidate: {item['answer']}\n",
                         config=Config(select=["no-questions"]))
        return bool(report.flags)
    module = {"unprepared": unprepared, "non-answer": non_answer}[item["check"]]
    answer = Answer(id="a", question=Utterance(item["question"], "Interviewer"),
                    answer=Utterance(item["answer"], "Candidate"),
                    question_kind=classify_question(item["question"]).value)
    found = module.check(answer, AnswerContext(answer=answer, transcript=Transcript(turns=[])),
                         module.RULE.defaults())
    return bool(found.flags)


def scores(rows: list[tuple[int, bool]]) -> dict[str, float | int]:
    tp = sum(1 for label, hit in rows if label and hit)
    fp = sum(1 for label, hit in rows if not label and hit)
    fn = sum(1 for label, hit in rows if label and not hit)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"answers": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(precision, 3), "recall": round(recall, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list the misclassified answers")
    args = parser.parse_args()
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    results: dict[str, list[tuple[int, bool]]] = {}
    errors = []
    for item in items:
        hit = flagged(item)
        results.setdefault(item["check"], []).append((item["label"], hit))
        if hit != bool(item["label"]):
            errors.append(f"{item['id']} label {item['label']}: {item['answer']}")
    table = {check: scores(rows) for check, rows in results.items()}
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print("| check | answers | positives | precision | recall | FP | FN |\n|---|---|---|---|---|---|---|")
        for check, s in table.items():
            print(f"| `{check}` | {s['answers']} | {s['positives']} | {s['precision']:.3f} | {s['recall']:.3f} | "
                  f"{s['fp']} | {s['fn']} |")
    if args.errors:
        print("\n".join(errors), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
