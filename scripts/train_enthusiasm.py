"""Train the enthusiasm text classifier (models/enthusiasm.joblib) and measure it.

Data: ../shared/data/enthusiasm-goemotions/{train,dev}.tsv (GoEmotions, CC BY 4.0;
label 1 = excitement/joy/optimism, 0 = neutral only). Hyper-parameters are chosen by
5-fold cross-validation on train.tsv only; dev.tsv is read once, after the final model is
fitted, to report held-out ROC AUC. Deterministic: fixed folds, lbfgs solver, no sampling.

Also scores the interview-style sentences in models/enthusiasm_interview_check.tsv
(written by us, labels eager=1 / flat=0) with the full language score of
analyzer.detectors.enthusiasm.

    python scripts/train_enthusiasm.py [--data DIR]   # writes models/enthusiasm.joblib and
                                                      # models/enthusiasm_metrics.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.detectors.enthusiasm import load_model, score_text, sentiment_features  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "enthusiasm-goemotions"
MODEL_PATH = ROOT / "models" / "enthusiasm.joblib"
CHECK_FILE = ROOT / "models" / "enthusiasm_interview_check.tsv"
GRID = {"features__words__max_features": [5000, 10000], "classifier__C": [1.0, 2.0, 4.0, 8.0]}


def read_tsv(path: Path) -> tuple[list[str], np.ndarray]:
    """GoEmotions-derived TSV (header ``id text label labels``; no quoting)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        text_col, label_col = header.index("text"), header.index("label")
        data = [(r[text_col], int(r[label_col])) for r in rows]
    return [t for t, _ in data], np.array([y for _, y in data])


def read_check(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def build_pipeline() -> Pipeline:
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)),
                        ("sentiment", FunctionTransformer(sentiment_features)),
                    ]
                ),
            ),
            ("classifier", LogisticRegression(class_weight="balanced", max_iter=3000)),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--metrics", type=Path, default=ROOT / "models" / "enthusiasm_metrics.json")
    args = parser.parse_args()

    train_x, train_y = read_tsv(args.data / "train.tsv")
    search = GridSearchCV(
        build_pipeline(),
        GRID,
        scoring="roc_auc",
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=0),
        n_jobs=1,
        refit=True,
    )
    search.fit(train_x, train_y)
    model: Pipeline = search.best_estimator_
    # The model's probability for a typical neutral text (out-of-fold, train only): the score's zero point.
    out_of_fold = cross_val_predict(
        clone(model), train_x, train_y, cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=1), method="predict_proba"
    )[:, 1]
    neutral_probability = float(np.median(out_of_fold[train_y == 0]))
    # Terms pruned by max_features are kept only for introspection; dropping them keeps the file small.
    vectorizer = model.named_steps["features"].transformer_list[0][1]
    if hasattr(vectorizer, "stop_words_"):
        delattr(vectorizer, "stop_words_")
    partial = MODEL_PATH.with_suffix(".joblib.tmp")
    joblib.dump({"pipeline": model, "neutral_probability": neutral_probability}, partial, compress=3)
    os.replace(partial, MODEL_PATH)  # scoring below loads the bundled model through load_model()
    load_model.cache_clear()

    # Held-out evaluation: dev.tsv is read only here, after the model is final.
    dev_x, dev_y = read_tsv(args.data / "dev.tsv")
    dev_p = model.predict_proba(dev_x)[:, 1]
    dev_scores = [score_text(t).score for t in dev_x]

    check_x, check_y = read_check(CHECK_FILE)
    check_p = model.predict_proba(check_x)[:, 1]
    check_scores = np.array([score_text(t).score for t in check_x])

    metrics = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.system()} {platform.release()}, python {platform.python_version()}",
        "train_rows": len(train_y),
        "dev_rows": len(dev_y),
        "cv_best_params": search.best_params_,
        "cv_roc_auc_train": round(float(search.best_score_), 4),
        "neutral_probability": round(neutral_probability, 4),
        "cv_grid": {str(p): round(float(s), 4) for p, s in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"])},
        "dev_roc_auc_model": round(float(roc_auc_score(dev_y, dev_p)), 4),
        "dev_roc_auc_language_score": round(float(roc_auc_score(dev_y, dev_scores)), 4),
        "vocabulary": len(vectorizer.vocabulary_),
        "model_bytes": MODEL_PATH.stat().st_size,
        "interview_check": {
            "sentences": len(check_y),
            "roc_auc_language_score": round(float(roc_auc_score(check_y, check_scores)), 4),
            "roc_auc_model_only": round(float(roc_auc_score(check_y, check_p)), 4),
            "mean_score_eager": round(float(check_scores[check_y == 1].mean()), 1),
            "mean_score_flat": round(float(check_scores[check_y == 0].mean()), 1),
            "min_score_eager": round(float(check_scores[check_y == 1].min()), 1),
            "max_score_flat": round(float(check_scores[check_y == 0].max()), 1),
        },
    }
    args.metrics.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
