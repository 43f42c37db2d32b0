"""Train the employer-negativity classifier and report its held-out scores.

    python scripts/train_negativity.py              # choose C by CV on train, fit, save, evaluate held-out
    python scripts/train_negativity.py --eval-only  # evaluate the saved model on the held-out split

The regularisation strength is chosen by 5-fold cross-validation on the ``train`` split only
(answer-level F1, scored the way the check scores answers); the ``heldout`` split is used once,
for the numbers in models/negativity.md. Everything is deterministic (fixed folds and seeds).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from analyzer.detectors.negativity.features import dense_features, mentions_target, normalised_tokens
from analyzer.detectors.negativity.lexicon import intensity_of
from analyzer.text.questions import question_about_job
from analyzer.detectors.negativity.model import NegativityModel
from analyzer.text.nlp import load_spacy

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "models" / "negativity.joblib"
DATA_PATH = ROOT / "models" / "negativity_examples.jsonl"
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
THRESHOLD = 0.5
SEED = 0
HARD_NEGATIVES = ("constructive", "self-critical")


@dataclass(frozen=True)
class Example:
    """One labelled item of ``models/negativity_examples.jsonl``."""

    id: str
    text: str
    question: str | None
    label: int
    category: str
    intensity: int
    split: str


def load_examples(path: Path = DATA_PATH) -> list[Example]:
    with open(path, encoding="utf-8") as fh:
        return [Example(**json.loads(line)) for line in fh if line.strip()]


def train(examples: Iterable[Example], c: float = 1.0, seed: int = 0) -> NegativityModel:
    """Fit the vectorisers and a logistic regression on whole examples (deterministic)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    examples = list(examples)
    nlp = load_spacy()
    docs = list(nlp.pipe([e.text for e in examples]))
    spans = [d[:] for d in docs]
    context = [question_about_job(e.question) or mentions_target(d) for e, d in zip(examples, docs)]
    tfidf = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True)
    features = DictVectorizer()
    matrix = hstack(
        [
            tfidf.fit_transform([normalised_tokens(s) for s in spans]),
            features.fit_transform([dense_features(s, c_) for s, c_ in zip(spans, context)]),
        ]
    ).tocsr()
    classifier = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000)
    classifier.fit(matrix, [e.label for e in examples])
    return NegativityModel(tfidf, features, classifier)


def predict_examples(model: NegativityModel, examples: Iterable[Example]) -> list[float]:
    """Answer-level probability of each example: the highest of its units, as the check sees it."""
    examples = list(examples)
    docs = load_spacy().pipe([e.text for e in examples])
    out = []
    for example, doc in zip(examples, docs):
        scored = model.score_answer(doc, example.question)
        out.append(max((u.probability for u in scored), default=0.0))
    return out


def scores(labels: list[int], predicted: list[int]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(labels, predicted) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "n": len(labels)}


def cross_validate(examples: list[Example], c: float, folds: int = 5) -> float:
    """Answer-level F1 of 5-fold CV on the given (training) examples; folds by stable index."""
    labels, predicted = [], []
    for fold in range(folds):
        fit = [e for i, e in enumerate(examples) if i % folds != fold]
        held = [e for i, e in enumerate(examples) if i % folds == fold]
        model = train(fit, c=c, seed=SEED)
        labels += [e.label for e in held]
        predicted += [int(p >= THRESHOLD) for p in predict_examples(model, held)]
    return scores(labels, predicted)["f1"]


def evaluate(model: NegativityModel, examples: list[Example]) -> dict[str, object]:
    probs = predict_examples(model, examples)
    predicted = [int(p >= THRESHOLD) for p in probs]
    labels = [e.label for e in examples]
    hard = [p for e, p in zip(examples, predicted) if e.category in HARD_NEGATIVES]
    per_category: dict[str, str] = {}
    for category in sorted({e.category for e in examples}):
        pairs = [(e.label, p) for e, p in zip(examples, predicted) if e.category == category]
        per_category[category] = f"{sum(y == p for y, p in pairs)}/{len(pairs)} correct"
    severity = Counter(
        (e.intensity, "error" if intensity_of(e.text, prob) >= 3 else "warning")
        for e, prob, p in zip(examples, probs, predicted)
        if e.label and p
    )
    errors = [
        {"id": e.id, "label": e.label, "p": round(prob, 3), "text": e.text}
        for e, prob, p in zip(examples, probs, predicted)
        if p != e.label
    ]
    return {
        **scores(labels, predicted),
        "fp_rate_constructive_self_critical": round(sum(hard) / len(hard), 3) if hard else None,
        "n_constructive_self_critical": len(hard),
        "per_category": per_category,
        "severity_by_labelled_intensity": {f"{i}->{s}": n for (i, s), n in sorted(severity.items())},
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--eval-only", action="store_true", help="evaluate the saved model on the held-out split")
    args = parser.parse_args(argv)

    import joblib

    examples = load_examples(args.data)
    training = [e for e in examples if e.split == "train"]
    heldout = [e for e in examples if e.split == "heldout"]
    if args.eval_only:
        data = joblib.load(args.out)
        model = NegativityModel(data["tfidf"], data["features"], data["classifier"])
    else:
        cv = {c: cross_validate(training, c) for c in C_GRID}
        best_c = max(C_GRID, key=lambda c: (cv[c], -c))
        print(json.dumps({"cv_f1_by_C": cv, "chosen_C": best_c}))
        model = train(training, c=best_c, seed=SEED)
        joblib.dump(model.to_dict(), args.out, compress=3)
        print(f"saved {args.out} (train n={len(training)})")
    print(json.dumps({"heldout": evaluate(model, heldout)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
