"""Train the question-kind classifier (``models/question_kinds.joblib``; card: ``models/question_kinds.md``).

Training data: ``models/question_kinds.jsonl`` (questions written for this project and questions from two
MIT-licensed public banks, each with its repository, path and commit; none of them is, or nearly is, a
question of ``data/realspeech/questions.jsonl``). Features: the sentence vector of a bundled encoder
(all-mpnet-base-v2 by default). Classifier: multinomial logistic regression, ``class_weight="balanced"``;
C is chosen by 5-fold cross-validation on the training data alone. The script prints the cross-validated
accuracy (stratified, and leave-one-source-out) and, for information, the accuracy of the model alone on
the real-speech dev questions (the pipeline's figure comes from ``scripts/eval_real_speech_checks.py
--only questions``). The held-out questions are never read here.

    nice -n 10 python scripts/train_question_kinds.py            # train, report, save
    nice -n 10 python scripts/train_question_kinds.py --no-save  # report only
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict

from analyzer.text.encoder import CONTEXT_CHECKPOINT, load_sentence_encoder
from analyzer.text.questions import QUESTION_FEATURE_VERSION, QUESTION_MODEL_FILE

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "models" / "question_kinds.jsonl"
REAL_QUESTIONS = ROOT / "data" / "realspeech" / "questions.jsonl"
C_GRID = (0.5, 1.0, 2.0, 4.0, 10.0, 20.0, 50.0, 100.0)
SEED = 0


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced")


def cross_validated(vectors: np.ndarray, kinds: np.ndarray, c: float, groups: np.ndarray | None = None) -> float:
    splitter = LeaveOneGroupOut() if groups is not None else StratifiedKFold(5, shuffle=True, random_state=SEED)
    predicted = cross_val_predict(classifier(c), vectors, kinds, cv=splitter, groups=groups)
    return float(np.mean(predicted == kinds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=CONTEXT_CHECKPOINT.name)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)

    training = read_jsonl(TRAINING)
    texts = [item["text"] for item in training]
    kinds = np.array([item["kind"] for item in training])
    sources = np.array([item["source"] for item in training])
    print(f"{len(training)} training questions: {dict(Counter(kinds))}; sources {dict(Counter(sources))}")
    encoder = load_sentence_encoder(args.encoder)
    vectors = encoder.sentence_vectors(texts)

    scores = {c: cross_validated(vectors, kinds, c) for c in C_GRID}
    best = max(C_GRID, key=lambda c: (scores[c], -c))
    print("5-fold CV accuracy by C:", {c: round(s, 3) for c, s in scores.items()}, f"-> C = {best}")
    print(f"leave-one-source-out accuracy (C = {best}): {cross_validated(vectors, kinds, best, sources):.3f}")

    model = classifier(best).fit(vectors, kinds)
    dev = [item for item in read_jsonl(REAL_QUESTIONS) if item["split"] == "dev"]
    predicted = model.predict(encoder.sentence_vectors([item["text"] for item in dev]))
    gold = np.array([item["kind"] for item in dev])
    per_kind = {k: f"{int(np.sum((predicted == gold) & (gold == k)))}/{int(np.sum(gold == k))}" for k in sorted(set(gold))}
    print(f"real-speech dev questions, model alone: {np.mean(predicted == gold):.3f} {per_kind}")

    if not args.no_save:
        bundle = {"classifier": model, "encoder": args.encoder, "feature_version": QUESTION_FEATURE_VERSION,
                  "c": best, "training_questions": len(training)}
        joblib.dump(bundle, ROOT / "models" / QUESTION_MODEL_FILE, compress=3)
        print(f"saved models/{QUESTION_MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
