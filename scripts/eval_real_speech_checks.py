"""Score today's checks on the real-speech sets of data/realspeech/ (labels: docs/labelling/).

Every passage goes through the public pipeline (``Analyzer.analyze_transcript``) as one answer of a
two-turn transcript, so the numbers are those of the real checks, not of a model in isolation:

* employer-negativity: a passage counts as flagged when the check raises its flag; precision,
  recall, F1 and the share of non-badmouthing passages flagged (per category);
* missing-star: the parts the check finds (``metrics.star.parts_present``) against the clause labels;
  presence accuracy of each part, action and result first;
* low-enthusiasm: ROC AUC of the check's score (and of the model probability alone) on the
  GoEmotions dev split (``../shared/data/enthusiasm-goemotions/dev.tsv``; label 1 = excitement, joy
  or optimism, 0 = neutral);
* question kinds: the ``question_kind`` the pipeline gives each real interview question.

The ``dev`` split is the default. The ``heldout`` split is scored once, by the phase that retrains the
models, after its last change; never tune on it. Run under ``nice -n 10`` (2 shared cores)::

    nice -n 10 python scripts/eval_real_speech_checks.py --seenunseen GITDIR --changelog GITDIR
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

import realspeech
from analyzer.config import Config
from analyzer.datamodel import Transcript, Turn
from analyzer.errors import InputError
from analyzer.pipeline import Analyzer

NEGATIVITY_QUESTION = "Tell me a bit more about that."
STAR_QUESTION = "Tell me about a time something important happened to you."
ENTHUSIASM_QUESTION = "Why are you interested in this role?"
DEFAULT_GOEMOTIONS = realspeech.ROOT.parent / "shared" / "data" / "enthusiasm-goemotions"
STAR_PARTS = ("action", "result", "situation", "task")


def answer_of(analyzer: Analyzer, question: str, text: str) -> Any:
    """The single answer of an Interviewer/Candidate exchange, or None when pairing found none."""
    transcript = Transcript(turns=[Turn(speaker="Interviewer", text=question), Turn(speaker="Candidate", text=text)])
    try:
        report = analyzer.analyze_transcript(transcript)
    except InputError:  # pairing found no question/answer pair
        return None
    return report.answers[0] if report.answers else None


def prf(pairs: list[tuple[int, int]]) -> dict[str, float]:
    tp = sum(1 for gold, pred in pairs if gold and pred)
    fp = sum(1 for gold, pred in pairs if not gold and pred)
    fn = sum(1 for gold, pred in pairs if gold and not pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def eval_negativity(items: list[dict[str, Any]], verbose: bool) -> dict[str, Any]:
    analyzer = Analyzer(Config(select=["employer-negativity"]))
    pairs, by_category = [], defaultdict(lambda: [0, 0])
    for item in items:
        answer = answer_of(analyzer, NEGATIVITY_QUESTION, item["text"])
        flagged = int(bool(answer and any(f.code == "employer-negativity" for f in answer.flags)))
        pairs.append((item["label"], flagged))
        by_category[item["category"]][0] += flagged
        by_category[item["category"]][1] += 1
        if verbose and flagged != item["label"]:
            kind = "FP" if flagged else "FN"
            print(f"  {kind} {item['id']} [{item['category']}] {item['text'][:160]!r}")
    negatives = [p for g, p in pairs if not g]
    return {
        **prf(pairs),
        "passages": len(items),
        "badmouthing": sum(g for g, _ in pairs),
        "non_badmouthing_flagged": sum(negatives) / len(negatives) if negatives else 0.0,
        "flagged_by_category": {c: f"{f}/{n}" for c, (f, n) in sorted(by_category.items())},
    }


def clause_parts(item: dict[str, Any]) -> set[str]:
    return {label for _, _, label in item["clauses"]} & set(STAR_PARTS)


def eval_star(items: list[dict[str, Any]], verbose: bool) -> dict[str, Any]:
    analyzer = Analyzer(Config(select=["missing-star"]))
    right, not_assessed = Counter(), 0
    for item in items:
        answer = answer_of(analyzer, STAR_QUESTION, item["text"])
        star = answer.metrics.get("star") if answer else None
        if star is None:
            not_assessed += 1
        found = set(star["parts_present"]) if star else set()
        gold = clause_parts(item)
        for part in STAR_PARTS:
            right[part] += (part in found) == (part in gold)
        if verbose and (("action" in found) != ("action" in gold) or ("result" in found) != ("result" in gold)):
            print(f"  {item['id']} gold {sorted(gold)} found {sorted(found)}: {item['text'][:140]!r}")
    n = len(items)
    return {"narratives": n, "not_assessed": not_assessed,
            "presence_accuracy": {p: right[p] / n if n else 0.0 for p in STAR_PARTS},
            "gold_with_action": sum("action" in clause_parts(i) for i in items),
            "gold_with_result": sum("result" in clause_parts(i) for i in items)}


def roc_auc(labels: list[int], scores: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def eval_enthusiasm(goemotions: Path, limit: int | None) -> dict[str, Any] | None:
    path = goemotions / "dev.tsv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        rows = [(r["text"], int(r["label"])) for r in csv.DictReader(handle, delimiter="\t")]
    rows = rows[:limit] if limit else rows
    from analyzer.detectors.enthusiasm import model_probability

    analyzer = Analyzer(Config(select=["low-enthusiasm"]))
    scores = []
    for text, _ in rows:
        answer = answer_of(analyzer, ENTHUSIASM_QUESTION, text)
        scores.append(answer.metrics["enthusiasm"]["score"] if answer else 50.0)
    labels = [label for _, label in rows]
    return {"comments": len(rows), "auc_check_score": roc_auc(labels, scores),
            "auc_model_probability": roc_auc(labels, model_probability([t for t, _ in rows]))}


def eval_questions(items: list[dict[str, Any]], verbose: bool) -> dict[str, Any]:
    analyzer = Analyzer(Config(select=["rambling"]))
    confusion: Counter[tuple[str, str]] = Counter()
    unpaired = 0
    for item in items:
        answer = answer_of(analyzer, item["text"], "Sure, I can talk about that.")
        if answer is None:
            unpaired += 1
        predicted = getattr(answer.question_kind, "value", answer.question_kind) if answer else "unpaired"
        confusion[(item["kind"], predicted)] += 1
        if verbose and predicted != item["kind"]:
            print(f"  {item['id']} gold {item['kind']} got {predicted}: {item['text'][:120]!r}")
    n = sum(confusion.values())
    right = sum(v for (g, p), v in confusion.items() if g == p)
    per_kind = defaultdict(lambda: [0, 0])
    for (gold, pred), v in confusion.items():
        per_kind[gold][0] += v if gold == pred else 0
        per_kind[gold][1] += v
    return {"questions": n, "accuracy": right / n if n else 0.0, "unpaired": unpaired,
            "per_kind": {k: f"{r}/{t}" for k, (r, t) in sorted(per_kind.items())},
            "confusion": {f"{g}->{p}": v for (g, p), v in sorted(confusion.items()) if g != p}}


def run(name: str, fn: Callable[[], Any]) -> Any:
    print(f"== {name}", flush=True)
    result = fn()
    print(json.dumps(result, indent=1, default=lambda x: round(x, 3)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    realspeech.add_source_arguments(parser)
    parser.add_argument("--split", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--goemotions", type=Path, default=DEFAULT_GOEMOTIONS)
    parser.add_argument("--enthusiasm-limit", type=int, help="score only the first N GoEmotions comments")
    parser.add_argument("--only", choices=["negativity", "star", "enthusiasm", "questions"], action="append")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    if args.split == "heldout":
        print("scoring the HELD-OUT split: do this once, after the last change, and report it as such", file=sys.stderr)
    sources = realspeech.sources_from(args)
    wanted = set(args.only or ["negativity", "star", "enthusiasm", "questions"])
    out: dict[str, Any] = {"split": args.split}
    if "negativity" in wanted:
        items = realspeech.load_set("negativity", sources, args.split)
        out["negativity"] = run(f"employer-negativity ({len(items)} passages)",
                                lambda: eval_negativity(items, args.verbose))
    if "star" in wanted:
        items = realspeech.load_set("star", sources, args.split)
        out["star"] = run(f"missing-star ({len(items)} narratives)", lambda: eval_star(items, args.verbose))
    if "enthusiasm" in wanted:
        out["enthusiasm"] = run("low-enthusiasm (GoEmotions dev)",
                                lambda: eval_enthusiasm(args.goemotions, args.enthusiasm_limit))
    if "questions" in wanted:
        items = realspeech.load_set("questions", sources, args.split)
        out["questions"] = run(f"question kinds ({len(items)} questions)", lambda: eval_questions(items, args.verbose))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=lambda x: round(x, 4)) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
