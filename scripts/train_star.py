"""Train the STAR clause classifier (models/star.joblib) and print its held-out scores.

    python scripts/train_star.py --seenunseen GITDIR --changelog GITDIR            # train, evaluate, save
    python scripts/train_star.py --seenunseen GITDIR --changelog GITDIR --no-save  # evaluate only

Data: models/star_sentences.jsonl (one labelled sentence/clause per line, grouped by answer_id), written
for this project, and the real spoken narratives of data/realspeech/star_train.jsonl (clause labels and
offsets; the text is rebuilt from the sources named in data/realspeech/README.md, so the snapshots must be
given; without them the model is trained on the written answers alone and the script says so). The real
narratives are all training data, weighted by ``--real-weight``; the real-speech dev and held-out sets are
scored by scripts/eval_real_speech_checks.py, never here.
Each answer's text is rebuilt by joining its units with spaces, then segmented exactly as the
check does at run time (``analyzer.detectors.star.segment_answer``); each segment takes the gold label
that covers most of its characters. About a quarter of the ANSWERS (chosen by a CRC32 of the
answer id, so the split never depends on file order) are held out: the regularisation strength
is chosen by grouped cross-validation on the training answers only, and the saved model is the
one trained on the training answers, i.e. exactly the one the held-out scores describe. The label of a
clause is then decided with offsets added to the action and result log-probabilities, chosen from
``OFFSET_GRID`` by the same grouped cross-validation on the real training narratives (folds by episode; see
``choose_offsets``), and ``action`` only for a past deed of the speaker (``analyzer.detectors.star.decide``).
Deterministic: same data, same model, same numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import realspeech  # noqa: E402

from analyzer.text.nlp import load_spacy  # noqa: E402
from analyzer.detectors.star import (  # noqa: E402
    FEATURE_VERSION,
    LABELS,
    STAR_PARTS,
    decide,
    input_cues,
    input_vectors,
    segment_inputs,
)
from analyzer.text.clauses import segment_answer  # noqa: E402

DATA = ROOT / "models" / "star_sentences.jsonl"
MODEL = ROOT / "models" / "star.joblib"
HELD_OUT_BUCKETS = 4  # answer goes to the held-out split when crc32(answer_id) % 4 == 0
C_GRID = (0.1, 0.3, 1.0, 3.0)
REAL_WEIGHT = 3.0
OFFSET_GRID = {"action": (0.0, 1.0, 2.0, 3.0, 4.0, 5.0), "result": (-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)}
"""Offsets tried for the action and result log-probabilities before the argmax (``decide``)."""


def build_pipeline(c: float = 1.0) -> Pipeline:
    """The untrained classifier: the clause's all-MiniLM-L6-v2 vector + scaled cues -> logistic regression."""
    cues = Pipeline(
        [
            ("select", FunctionTransformer(input_cues)),
            ("vector", DictVectorizer()),
            ("scale", MaxAbsScaler()),
        ]
    )
    return Pipeline(
        [
            ("features", FeatureUnion([("vector", FunctionTransformer(input_vectors)), ("cues", cues)])),
            ("model", LogisticRegression(C=c, class_weight="balanced", max_iter=2000)),
        ]
    )


@dataclass
class LabelledAnswer:
    answer_id: str
    text: str
    units: list[tuple[int, int, str]]  # gold (start, end, label) character spans
    real: bool = False  # a real spoken narrative (data/realspeech/star_train.jsonl): always training data
    source: str = ""  # the real narrative's source document (an episode): its cross-validation group

    @property
    def fold_group(self) -> str:
        """Cross-validation group: the episode for a real narrative (its speakers stay in one fold), else the answer."""
        return self.source or self.answer_id

    @property
    def held_out(self) -> bool:
        return not self.real and zlib.crc32(self.answer_id.encode()) % HELD_OUT_BUCKETS == 0

    def present(self) -> set[str]:
        return {label for _, _, label in self.units}


def load_answers(path: Path = DATA) -> list[LabelledAnswer]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            grouped[row["answer_id"]].append(row)
    answers = []
    for answer_id, rows in grouped.items():
        rows.sort(key=lambda r: r["index"])
        text, units = "", []
        for row in rows:
            if text:
                text += " "
            units.append((len(text), len(text) + len(row["text"]), row["label"]))
            text += row["text"]
        answers.append(LabelledAnswer(answer_id, text, units))
    return answers


def load_real_narratives(sources: "realspeech.Sources") -> list[LabelledAnswer]:
    """The labelled real narratives whose source is available (their clauses are the run-time segments)."""
    return [LabelledAnswer(item["id"], item["text"], [(s, e, label) for s, e, label in item["clauses"]], real=True,
                           source=f"{item['source']}:{item['doc'].rsplit(':', 1)[0]}")
            for item in realspeech.load_set("star_train", sources)]


def gold_label(answer: LabelledAnswer, start: int, end: int) -> str:
    """The gold label covering most characters of ``[start, end)``."""
    overlap: dict[str, int] = defaultdict(int)
    for s, e, label in answer.units:
        overlap[label] += max(0, min(e, end) - max(s, start))
    return max(overlap, key=overlap.get)


def featurise(answers: list[LabelledAnswer]) -> tuple[list[dict], list[str], list[str], list[str]]:
    """Segment every answer like the check does; return inputs, gold labels, answer ids and fold groups."""
    nlp = load_spacy()
    inputs, labels, groups, folds = [], [], [], []
    for answer, doc in zip(answers, nlp.pipe(a.text for a in answers)):
        segments = segment_answer(doc)
        inputs.extend(segment_inputs(doc, segments))
        labels.extend(gold_label(answer, s.start, s.end) for s in segments)
        groups.extend([answer.answer_id] * len(segments))
        folds.extend([answer.fold_group] * len(segments))
    return inputs, labels, groups, folds


def choose_c(inputs: list[dict], labels: list[str], groups: list[str],
             weights: list[float]) -> tuple[float, dict[float, float], np.ndarray, list[str]]:
    """Regularisation strength by 5-fold grouped CV on the training answers only (macro-F1 of the clauses,
    labels by the plain argmax); also the out-of-fold probabilities at that C and their class order."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    scores, probabilities, classes = {}, {}, list(LABELS)
    for c in C_GRID:
        fold_scores, out = [], np.zeros((len(labels), len(LABELS)))
        for train_idx, test_idx in GroupKFold(n_splits=5).split(inputs, labels, groups):
            model = build_pipeline(c).fit([inputs[i] for i in train_idx], [labels[i] for i in train_idx],
                                          model__sample_weight=[weights[i] for i in train_idx])
            classes = [str(k) for k in model.classes_]
            fold = model.predict_proba([inputs[i] for i in test_idx])
            out[test_idx] = fold
            predicted = [classes[k] for k in fold.argmax(axis=1)]
            fold_scores.append(f1_score([labels[i] for i in test_idx], predicted, labels=list(LABELS), average="macro"))
        scores[c], probabilities[c] = sum(fold_scores) / len(fold_scores), out
    best = max(scores, key=scores.get)
    return best, scores, probabilities[best], classes


def choose_offsets(probabilities: np.ndarray, classes: list[str], inputs: list[dict], labels: list[str],
                   groups: list[str], real: set[str]) -> tuple[dict[str, float], dict[tuple[float, float], float]]:
    """The action and result offsets with the best cross-validated presence of the real training narratives
    (out-of-fold probabilities; the check is for speech): the mean of the action and result balanced accuracies (the mean of the recall
    of "has it" and of "has not"). Balanced, because the real training candidates were found by keyword search
    and fewer of them are whole stories (fewer have a result) than answers to "tell me about a time": plain
    accuracy would pick the offsets that fit the candidates' base rate. The scores are flat across the grid, so the
one-standard-error rule picks: the smallest offsets (sum of their sizes) whose score is within one standard error
(``sqrt(s (1 - s) / n)``, n narratives) of the best score s. The best alone (action +3, result +1 on 2026-12-07)
turned results told with "we" into actions ("We shipped four days early, checkout errors fell by 30 percent")."""
    keep = [i for i, g in enumerate(groups) if g in real]
    kept_inputs, kept_labels, kept_groups = [inputs[i] for i in keep], [labels[i] for i in keep], [groups[i] for i in keep]
    scores: dict[tuple[float, float], float] = {}
    for action in OFFSET_GRID["action"]:
        for result in OFFSET_GRID["result"]:
            predicted = decide(probabilities[keep], classes, kept_inputs, {"action": action, "result": result})
            balanced = presence_balanced_accuracy(kept_groups, kept_labels, predicted)
            scores[action, result] = (balanced["action"] + balanced["result"]) / 2
    top = max(scores.values())
    floor = top - math.sqrt(top * (1 - top) / len(set(kept_groups)))
    best = min((k for k in scores if scores[k] >= floor), key=lambda k: (abs(k[0]) + abs(k[1]), -scores[k]))
    return {"action": best[0], "result": best[1]}, scores


def presence_sets(groups: list[str], gold: list[str], predicted: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The parts each answer has, by the gold labels and by the predicted ones."""
    gold_sets: dict[str, set[str]] = defaultdict(set)
    pred_sets: dict[str, set[str]] = defaultdict(set)
    for g, y, p in zip(groups, gold, predicted):
        gold_sets[g].add(y)
        pred_sets[g].add(p)
    return gold_sets, pred_sets


def presence_balanced_accuracy(groups: list[str], gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Per component: the mean of the recall of answers that have it and of those that do not."""
    gold_sets, pred_sets = presence_sets(groups, gold, predicted)
    out = {}
    for part in STAR_PARTS:
        recalls = []
        for has in (True, False):
            answers = [a for a in gold_sets if (part in gold_sets[a]) == has]
            if answers:
                recalls.append(sum((part in pred_sets[a]) == has for a in answers) / len(answers))
        out[part] = sum(recalls) / len(recalls)
    return out


def presence_accuracy(groups: list[str], gold: list[str], predicted: list[str]) -> dict[str, tuple[float, float]]:
    """Per component: share of answers where "has it" agrees between gold and prediction, and the
    same share for the majority baseline (always say "present", or always "absent")."""
    gold_sets, pred_sets = presence_sets(groups, gold, predicted)
    out = {}
    for part in STAR_PARTS:
        accuracy = sum((part in gold_sets[a]) == (part in pred_sets[a]) for a in gold_sets) / len(gold_sets)
        with_part = sum(part in gold_sets[a] for a in gold_sets) / len(gold_sets)
        out[part] = (accuracy, max(with_part, 1 - with_part))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-save", action="store_true", help="evaluate only, do not write models/star.joblib")
    parser.add_argument("--real-weight", type=float, default=REAL_WEIGHT, help="weight of a real narrative's clauses")
    realspeech.add_source_arguments(parser)
    args = parser.parse_args()

    import joblib
    import sklearn
    from sklearn.metrics import classification_report, f1_score

    real = load_real_narratives(realspeech.sources_from(args))
    answers = load_answers() + real
    train = [a for a in answers if not a.held_out]
    test = [a for a in answers if a.held_out]
    train_x, train_y, train_g, train_folds = featurise(train)
    test_x, test_y, test_g, _ = featurise(test)
    real_ids = {a.answer_id for a in real}
    weights = [args.real_weight if g in real_ids else 1.0 for g in train_g]
    print(f"answers: {len(train)} train ({len(real)} real narratives of "
          f"{len(realspeech.read_labels('star_train'))} labelled) / {len(test)} written held out; "
          f"segments: {len(train_x)} train / {len(test_x)} held out")

    c, cv_scores, oof, classes = choose_c(train_x, train_y, train_folds, weights)
    print("grouped 5-fold CV macro-F1 on training answers:", {k: round(v, 3) for k, v in cv_scores.items()}, "-> C =", c)
    offsets = {"action": 0.0, "result": 0.0}
    if real_ids:
        offsets, offset_scores = choose_offsets(oof, classes, train_x, train_y, train_g, real_ids)
        print("grouped 5-fold CV mean action/result balanced presence accuracy on the real training narratives, "
              f"by action offset (rows) and result offset {OFFSET_GRID['result']}:")
        for action in OFFSET_GRID["action"]:
            print(f"  action {action:+.1f}: " + " ".join(f"{offset_scores[action, result]:.3f}"
                                                    for result in OFFSET_GRID["result"]))
        print(f"  -> offsets {offsets} (the smallest within one standard error of the best); there, presence accuracy (always the majority) / balanced accuracy:")
        for name, wanted in (("real narratives", True), ("written answers", False)):
            keep = [i for i, g in enumerate(train_g) if (g in real_ids) == wanted]
            predicted_here = decide(oof[keep], classes, [train_x[i] for i in keep], offsets)
            groups_here, labels_here = [train_g[i] for i in keep], [train_y[i] for i in keep]
            accuracy = presence_accuracy(groups_here, labels_here, predicted_here)
            balanced = presence_balanced_accuracy(groups_here, labels_here, predicted_here)
            print(f"  {name}:", {part: f"{accuracy[part][0]:.3f} ({accuracy[part][1]:.3f}) / {balanced[part]:.3f}"
                                 for part in STAR_PARTS})

    model = build_pipeline(c).fit(train_x, train_y, model__sample_weight=weights)
    predicted = decide(model.predict_proba(test_x), [str(k) for k in model.classes_], test_x, offsets)
    print("\nHeld-out segments (per clause, as segmented at run time):")
    print(classification_report(test_y, predicted, labels=list(LABELS), digits=3, zero_division=0))
    print(f"macro-F1 (5 labels): {f1_score(test_y, predicted, labels=list(LABELS), average='macro'):.3f}")
    print(f"macro-F1 (S/T/A/R):  {f1_score(test_y, predicted, labels=list(STAR_PARTS), average='macro'):.3f}")
    print("\nHeld-out per-answer presence accuracy (majority baseline in brackets):")
    for part, (acc, baseline) in presence_accuracy(test_g, test_y, predicted).items():
        print(f"  {part:<9} {acc:.3f} ({baseline:.3f})")

    if not args.no_save:
        joblib.dump(
            {
                "pipeline": model,
                "feature_version": FEATURE_VERSION,
                "labels": list(LABELS),
                "c": c,
                "offsets": offsets,
                "train_answers": len(train),
                "real_narratives": len(real),
                "real_weight": args.real_weight,
                "sklearn_version": sklearn.__version__,
            },
            MODEL,
            compress=3,
        )
        print(f"\nsaved {MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
