"""How well the rambling check finds an answer that drifts off its question (synthetic splices).

    python scripts/eval_drift.py

Each answer of models/star_sentences.jsonl (161 behavioural answers written for their questions)
is scored as it is (on topic) and with its last 60% of sentences replaced by the opening of an
answer to a different question (drifting). The answers are split in two halves at random
(seed 0): ``min-topic-similarity`` is chosen on the dev half (the one that finds most drifting
answers while flagging at most 10% of the answers as written) and reported on the test half,
with the ROC AUC of ``min_part_similarity`` (lowest similarity of a part to the topic), which
needs no threshold. Drift is checked for behavioural answers here (``drift-question-kinds``),
whatever the default.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from analyzer.checks import rambling
from analyzer.checks.context import AnswerContext
from analyzer.datamodel import Answer, Transcript, Utterance

DATA = Path(__file__).resolve().parents[1] / "models" / "star_sentences.jsonl"
DRIFT_SHARE = 0.6
THRESHOLDS = [round(float(t), 3) for t in np.arange(0.0, 0.51, 0.025)]
MAX_FALSE_ALARMS = 0.10
"""Share of answers as written that the chosen threshold may flag on the dev half."""


def load() -> tuple[dict[str, list[str]], dict[str, str]]:
    units: dict[str, list[tuple[int, str]]] = defaultdict(list)
    questions: dict[str, str] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        units[row["answer_id"]].append((row["index"], row["text"]))
        questions[row["answer_id"]] = row["question"]
    return {a: [t for _, t in sorted(u)] for a, u in units.items()}, questions


def cases(ids: list[str], units: dict[str, list[str]], questions: dict[str, str], seed: int) -> list[tuple[Answer, int]]:
    """(answer, drifts) pairs: every answer as written, and spliced with another question's answer."""
    rng = random.Random(seed)
    out = []
    for answer_id in ids:
        own = units[answer_id]
        if len(own) < 5:
            continue
        other = rng.choice([b for b in ids if questions[b] != questions[answer_id]])
        keep = len(own) - round(DRIFT_SHARE * len(own))
        for text, drifts in ((" ".join(own), 0), (" ".join(own[:keep] + units[other][: len(own) - keep]), 1)):
            out.append((Answer(id=answer_id, question=Utterance(questions[answer_id], "I"),
                               answer=Utterance(text, "C"), question_kind="behavioural"), drifts))
    return out


def scores(data: list[tuple[Answer, int]]) -> tuple[np.ndarray, dict[float, np.ndarray]]:
    """Lowest part-to-topic similarity per case, and whether the drift flag fires at each threshold."""
    lowest, flagged = [], defaultdict(list)
    defaults = {**rambling.RULE.defaults(), "drift-question-kinds": ["behavioural"]}
    for answer, _ in data:
        ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[]))
        for t in THRESHOLDS:
            found = rambling.check(answer, ctx, {**defaults, "min-topic-similarity": t})
            flagged[t].append(any(f.measure == "drift_share" for f in found.flags))
        lowest.append(found.metrics["min_part_similarity"])
    return np.array(lowest), {t: np.array(v) for t, v in flagged.items()}


def f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    units, questions = load()
    ids = sorted(units)
    random.Random(0).shuffle(ids)
    halves = {"dev": sorted(ids[: len(ids) // 2]), "test": sorted(ids[len(ids) // 2 :])}
    results = {}
    for name, part in halves.items():
        data = cases(part, units, questions, seed=1)
        y = np.array([d for _, d in data], dtype=bool)
        lowest, flagged = scores(data)
        results[name] = (y, lowest, flagged)
        print(f"{name}: {len(data)} cases ({int(y.sum())} drifting)", file=sys.stderr)
    y, _, flagged = results["dev"]
    allowed = [t for t in THRESHOLDS if flagged[t][~y].mean() <= MAX_FALSE_ALARMS]
    best = max(allowed, key=lambda t: (f1(flagged[t], y)[1], -t))
    print(f"min-topic-similarity chosen on dev: {best} (default {rambling.RULE.defaults()['min-topic-similarity']})")
    for name, (y, lowest, flagged) in results.items():
        auc = roc_auc_score(y, -lowest)
        p, r, f = f1(flagged[best], y)
        print(f"{name:5s} min_part_similarity ROC AUC {auc:.3f}; drift flag at {best}: P {p:.3f} R {r:.3f} F1 {f:.3f}; "
              f"flags {int(flagged[best][~y].sum())}/{int((~y).sum())} answers as written")


if __name__ == "__main__":
    main()
