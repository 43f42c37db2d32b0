"""Train and evaluate the discourse-filler model (models/fillers.joblib) on Rev16 fillers.

    python scripts/train_fillers.py --data ../shared/data/fillers-rev16

Episodes are split whole, and by show: the held-out episodes (HELD_OUT) share no show with
the training episodes. Hyper-parameters and the decision threshold are chosen by
leave-one-show-out cross-validation over the training episodes only (the held-out shows are
new shows too); the labelled synthetic transcripts of ``models/fillers_synthetic.txt`` join
every training fold and are never scored. The held-out episodes are scored at the end, by the
same code path the analyzer runs (:func:`analyzer.detectors.fillers.model.detect_fillers` decides hesitations
and discourse fillers alike). The Rev16 data (CC BY-SA 4.0) is read in place and never copied
into the repository; only the fitted model is saved.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np
import sklearn
from threadpoolctl import threadpool_limits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from analyzer.text.encoder import CONTEXT_CHECKPOINT, load_context_encoder
from analyzer.detectors.fillers.context import candidate_features, lexical_use
from analyzer.detectors.fillers.lexicon import Candidate, DISCOURSE_FILLERS, _canonical, filler_list, find_candidates
from analyzer.detectors.fillers.model import ContextModel, MODEL_FILE, combine, detect_fillers, head_inputs
from analyzer.text.nlp import load_spacy

HELD_OUT = ("ep17", "ep18", "ep27")
"""Pod Save America (ep17, ep18) and Roads From Emmaus (ep27): shows absent from training."""
EXTRA_MODEL_WORDS = ("yeah", "just")
"""Trained too, so that users can add them to the list and have them judged in context."""
DEFAULT_WORDS = [*filler_list().hesitations, *DISCOURSE_FILLERS]
"""What the analyzer flags out of the box."""
ALL_WORDS = [*DEFAULT_WORDS, *EXTRA_MODEL_WORDS]
SUMMARIES = (("default list", DEFAULT_WORDS), ("default list + yeah, just", ALL_WORDS),
             ("discourse words only (default list)", list(DISCOURSE_FILLERS)), ("like", ["like"]))
GRID = [
    {"learning_rate": lr, "max_leaf_nodes": leaves, "max_iter": 200, "l2_regularization": 1.0}
    for lr in (0.05, 0.1)
    for leaves in (15, 31)
]
HEAD_C = (0.01, 0.02, 0.05, 0.2)
"""Inverse regularisation strengths tried for the logistic head over encoder vectors."""
ENCODER = CONTEXT_CHECKPOINT.name
"""all-mpnet-base-v2; all-MiniLM-L6-v2 (layers 3, 4 and 6) was compared by the same CV (models/fillers.md)."""
LAYER = 6
"""Encoder layer whose states the head reads (layers 4, 6, 8, 10 and 12 were compared by the same CV)."""
THRESHOLDS = np.round(np.arange(0.20, 0.71, 0.02), 2)
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fillers-rev16"
MODELS = Path(__file__).resolve().parents[1] / "models"
SYNTHETIC_MARK = re.compile(r"⟨([^⟨⟩|]+)\|([FNBU])⟩")
SYNTHETIC_LABELS = {"F": 1, "N": 0, "B": 0}
"""Filler, not a filler, back-channel; ``U`` (unsure) marks are left out."""


@dataclass
class Chunk:
    id: str
    episode: str
    text: str
    gold: dict[tuple[int, int], str]
    other: list[tuple[int, int]]
    show: str


@dataclass
class Example:
    chunk: str
    start: int
    end: int
    show: str
    """The cross-validation group ("synthetic" for the synthetic transcripts, which are never held out)."""
    word: str
    label: int
    features: dict[str, float]
    lexical: bool
    """The parse shows the word's ordinary role: never a filler, whatever the model says."""


def load_chunks(data: Path) -> list[Chunk]:
    path = data / "chunks.jsonl"
    if not path.is_file():
        sys.exit(f"error: {path} not found; pass --data DIR (the fillers-rev16 folder)")
    shows = dict(line.split("\t")[:2] for line in (data / "episodes.tsv").read_text(encoding="utf-8").splitlines()[1:])
    chunks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        episode = row["id"].split("-")[0]
        chunks.append(
            Chunk(
                id=row["id"],
                episode=episode,
                text=row["text"],
                gold={(s, e): _canonical(w) for s, e, w in row["fillers"]},
                other=[(s, e) for s, e, _ in row["other_deletions"]],
                show=shows[episode],
            )
        )
    return chunks


def read_synthetic(path: Path) -> list[tuple[str, str, dict[tuple[int, int], int]]]:
    """(chunk id, plain text, {span: label}) for each chunk of ``models/fillers_synthetic.txt``."""
    chunks = []
    for block in path.read_text(encoding="utf-8").split("\n### ")[1:]:
        chunk_id, _, marked = block.partition("\n")
        marked = " ".join(marked.split())
        parts, labels, end = [], {}, 0
        for m in SYNTHETIC_MARK.finditer(marked):
            parts.append(marked[end : m.start()])
            start = sum(map(len, parts))
            if m.group(2) in SYNTHETIC_LABELS:
                labels[(start, start + len(m.group(1)))] = SYNTHETIC_LABELS[m.group(2)]
            parts.append(m.group(1))
            end = m.end()
        parts.append(marked[end:])
        chunks.append((chunk_id.strip(), "".join(parts), labels))
    return chunks


def synthetic_examples(path: Path) -> tuple[list[Example], dict[str, str]]:
    """Labelled discourse candidates of the synthetic transcripts, and the texts (by chunk id) they index.

    Only marked candidates count; marks the candidate finder does not take (a cut-off "Well-")
    are ignored.
    """
    rows = read_synthetic(path)
    out, texts = [], {}
    for (chunk_id, text, labels), doc in zip(rows, load_spacy().pipe([r[1] for r in rows], batch_size=64)):
        texts[chunk_id] = text
        for cand in find_candidates(text, filler_list()):
            if cand.kind == "discourse" and (cand.start, cand.end) in labels:
                out.append(Example(chunk_id, cand.start, cand.end, "synthetic", cand.word, labels[(cand.start, cand.end)],
                                   candidate_features(doc, cand), lexical_use(doc, cand)))
    return out, texts


def adjudicate(chunks: list[Chunk], labels: dict[tuple[str, int, int], tuple[str, str]]) -> None:
    """Replace the silver labels of hand-adjudicated candidates by the adjudication (in place).

    ``filler`` makes the span a filler, ``not`` and ``backchannel`` not (a listener's response
    is not the speaker's filler); ``unsure`` spans join ``other``, so they are neither trained on
    nor scored. Candidates nobody adjudicated (yeah, just, hesitations) keep their silver label.
    """
    by_id = {chunk.id: chunk for chunk in chunks}
    for (chunk_id, start, end), (word, label) in labels.items():
        chunk = by_id[chunk_id]
        chunk.gold.pop((start, end), None)
        if label == "filler":
            chunk.gold[(start, end)] = _canonical(word)
        elif label == "unsure":
            chunk.other.append((start, end))


def _overlaps(c: Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(c.start < e and s < c.end for s, e in spans)


def training_list():
    return filler_list({"add": list(EXTRA_MODEL_WORDS)}, EXTRA_MODEL_WORDS)


def examples(chunks: list[Chunk], docs) -> tuple[list[Example], int]:
    """Labelled discourse candidates; candidates inside non-filler deletions are left out."""
    out, skipped = [], 0
    for chunk, doc in zip(chunks, docs):
        for cand in find_candidates(chunk.text, training_list()):
            if cand.kind != "discourse":
                continue
            label = int(chunk.gold.get((cand.start, cand.end)) == cand.word)
            if not label and _overlaps(cand, chunk.other):
                skipped += 1
                continue
            out.append(Example(chunk.id, cand.start, cand.end, chunk.show, cand.word, label,
                               candidate_features(doc, cand), lexical_use(doc, cand)))
    return out, skipped


def parse(chunks: list[Chunk], cache: Path | None):
    """spaCy parses of the chunks (kept in ``cache`` as a DocBin when given)."""
    from spacy.tokens import DocBin

    nlp = load_spacy()
    if cache and cache.is_file():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == [c.text for c in chunks]:
            return docs
    docs = list(nlp.pipe([c.text for c in chunks], batch_size=64))
    if cache:
        DocBin(docs=docs, store_user_data=False).to_disk(cache)
    return docs


def make_pipeline(params: dict) -> Pipeline:
    return Pipeline(
        [
            ("features", DictVectorizer(sparse=False)),
            ("model", HistGradientBoostingClassifier(early_stopping=False, random_state=0, **params)),
        ]
    )


def make_head(c: float) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=c, max_iter=5000))])


def encode(texts: dict[str, str], train: list[Example], words: tuple[str, ...]) -> np.ndarray:
    """The head's inputs for every example: encoder vector of the occurrence (in its chunk's text) and its word."""
    encoder = load_context_encoder(ENCODER, LAYER)
    by_chunk: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(train):
        by_chunk[e.chunk].append(i)
    vectors = np.zeros((len(train), encoder.model.config.hidden_size), dtype=np.float32)
    for chunk_id, rows in by_chunk.items():
        vectors[rows] = encoder.span_vectors(texts[chunk_id], [(train[i].start, train[i].end) for i in rows], LAYER)
    return head_inputs(vectors, [e.word for e in train], words)


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def tune(train: list[Example], inputs: np.ndarray, extra: list[Example], extra_inputs: np.ndarray
         ) -> tuple[dict, float, float, np.ndarray]:
    """Both classifiers' parameters and the threshold by leave-one-show-out CV over the training episodes.

    ``extra`` (the synthetic transcripts) joins every fitting fold and is never scored. F1 on the
    default-list discourse words decides. Returns the chosen boosting parameters, head C and
    threshold, and the out-of-fold probabilities of that choice (for the per-word cross-validation
    report). Each classifier alone is reported too, for comparison.
    """
    groups = np.array([e.show for e in train])
    y = np.array([e.label for e in train])
    default = np.array([e.word in DISCOURSE_FILLERS for e in train])
    lexical = np.array([e.lexical for e in train])
    folds = list(GroupKFold(n_splits=len(set(groups))).split(train, y, groups))
    extra_y = np.array([e.label for e in extra], dtype=int)

    def best_threshold(oof: np.ndarray) -> tuple[float, float]:
        scores = []
        for t in THRESHOLDS:
            pred = (oof >= t) & ~lexical
            scores.append(f1(int((pred & (y == 1) & default).sum()), int((pred & (y == 0) & default).sum()),
                             int((~pred & (y == 1) & default).sum()))[2])
        i = int(np.argmax(scores))
        return scores[i], float(THRESHOLDS[i])

    by_features = {}
    for params in GRID:
        oof = np.zeros(len(train))
        for fit_idx, val_idx in folds:
            pipe = make_pipeline(params).fit([train[i].features for i in fit_idx] + [e.features for e in extra],
                                             np.concatenate([y[fit_idx], extra_y]))
            oof[val_idx] = pipe.predict_proba([train[i].features for i in val_idx])[:, 1]
        by_features[tuple(params.items())] = oof
        score, t = best_threshold(oof)
        print(f"  cv boosting alone {params}: threshold {t:.2f}, F1 (discourse words, default list) {score:.3f}", flush=True)
    by_vectors = {}
    for c in HEAD_C:
        oof = np.zeros(len(train))
        for fit_idx, val_idx in folds:
            head = make_head(c).fit(np.vstack([inputs[fit_idx], extra_inputs]), np.concatenate([y[fit_idx], extra_y]))
            oof[val_idx] = head.predict_proba(inputs[val_idx])[:, 1]
        by_vectors[c] = oof
        score, t = best_threshold(oof)
        print(f"  cv encoder head alone C={c}: threshold {t:.2f}, F1 {score:.3f}", flush=True)
    best: tuple[float, dict, float, float, np.ndarray] = (-1.0, {}, 0.0, 0.5, np.zeros(len(train)))
    for key, features_oof in by_features.items():
        for c, vectors_oof in by_vectors.items():
            oof = combine(features_oof, vectors_oof)
            score, t = best_threshold(oof)
            print(f"  cv combined {dict(key)}, C={c}: threshold {t:.2f}, F1 {score:.3f}", flush=True)
            if score > best[0] + 1e-9:
                best = (score, dict(key), c, t, oof)
    return best[1], best[2], best[3], best[4]


def rule_baseline(chunk: Chunk, cand: Candidate) -> bool:
    """Comparison only: a list word set off by punctuation on both sides is a filler."""
    from analyzer.detectors.fillers.context import _boundary_after, _boundary_before

    return _boundary_before(chunk.text, cand.start) in ("start", "stop", "comma", "dash") and _boundary_after(
        chunk.text, cand.end
    ) in ("comma", "dash", "stop", "end")


def predict(docs, model: ContextModel) -> list[set[tuple[int, int]]]:
    """Filler spans of each chunk as the analyzer finds them (default list plus yeah, just)."""
    settings = {"add": list(EXTRA_MODEL_WORDS)}
    return [{(a.start, a.end) for a in detect_fillers(doc, settings, model=model)} for doc in docs]


def cross_validated(chunks: list[Chunk], train: list[Example], oof: np.ndarray, threshold: float) -> dict:
    """Training-episode counts per word from out-of-fold probabilities, decided as the analyzer does.

    Hesitations are fillers wherever they occur; a discourse word is one when its out-of-fold
    probability reaches the threshold and the parse does not show its ordinary role.
    """
    chosen = {(e.chunk, e.start, e.end) for e, p in zip(train, oof) if p >= threshold and not e.lexical}
    predicted = [
        {(c.start, c.end) for c in find_candidates(chunk.text, training_list())
         if c.kind == "hesitation" or (chunk.id, c.start, c.end) in chosen}
        for chunk in chunks
    ]
    return count_outcomes(chunks, predicted)[0]


def count_outcomes(chunks: list[Chunk], predicted: list[set[tuple[int, int]]]) -> tuple[dict, dict, list]:
    """Span-level counts per canonical word for given predictions and for the rule baseline.

    A gold filler of a listed word that no candidate matched counts as a miss for both.
    Candidates inside non-filler deletions (restarts, repetitions) are not scored.
    """
    listed = set(training_list().words)
    shipped: dict[str, Counter] = defaultdict(Counter)
    rules: dict[str, Counter] = defaultdict(Counter)
    false_positives = []
    for chunk, hits in zip(chunks, predicted):
        gold = {span: w for span, w in chunk.gold.items() if w in listed}
        for cand in find_candidates(chunk.text, training_list()):
            key = (cand.start, cand.end)
            is_gold = gold.get(key) == cand.word
            if not is_gold and _overlaps(cand, chunk.other):
                continue
            by_rule = cand.kind == "hesitation" or rule_baseline(chunk, cand)
            for table, hit in ((shipped, key in hits), (rules, by_rule)):
                outcome = "tp" if hit and is_gold else "fp" if hit else "fn" if is_gold else "tn"
                table[cand.word][outcome] += 1
            if key in hits and not is_gold:
                false_positives.append((chunk, cand))
        seen = {(c.start, c.end) for c in find_candidates(chunk.text, training_list())}
        for span, word in gold.items():
            if span not in seen:
                shipped[word]["fn"] += 1
                rules[word]["fn"] += 1
    return shipped, rules, false_positives


def read_adjudication(path: Path) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(chunk id, start, end) -> (word, label) from models/fillers_heldout_adjudicated.tsv."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "chunk_id")):
            chunk_id, start, end, word, label = line.split("\t")
            labels[(chunk_id, int(start), int(end))] = (word, label)
    return labels


def adjudicated_outcomes(chunks: list[Chunk], predicted: list[set[tuple[int, int]]],
                         labels: dict[tuple[str, int, int], tuple[str, str]], lenient: bool) -> dict[str, dict]:
    """Counts per word against the hand adjudication, for the detector, the rule baseline and the silver labels.

    ``filler`` is positive and ``not`` negative; ``unsure`` is negative, or positive when
    ``lenient``; ``backchannel`` (a listener's response, which the analyzer keeps out of answers
    as an interjection when it knows the speakers) is left out. Scoring the silver labels the same
    way shows how far the labels the model learnt from agree with the adjudication.
    """
    out: dict[str, dict] = {name: defaultdict(Counter) for name in ("detector", "rule baseline", "silver labels")}
    for chunk, hits in zip(chunks, predicted):
        for cand in find_candidates(chunk.text, filler_list()):
            _, label = labels[(chunk.id, cand.start, cand.end)]
            if label == "backchannel":
                continue
            is_filler = label == "filler" or (lenient and label == "unsure")
            guesses = (((cand.start, cand.end) in hits), cand.kind == "hesitation" or rule_baseline(chunk, cand),
                       chunk.gold.get((cand.start, cand.end)) == cand.word)
            for name, hit in zip(out, guesses):
                out[name][cand.word]["tp" if hit and is_filler else "fp" if hit else "fn" if is_filler else "tn"] += 1
    return out


def agreement(first: dict[tuple[str, int, int], tuple[str, str]],
              second: dict[tuple[str, int, int], tuple[str, str]]) -> None:
    """How far two annotators of the same occurrences agree: Cohen's kappa, and the F1 of one against the other."""
    from sklearn.metrics import cohen_kappa_score

    keys = sorted(second)
    a, b = [first[k][1] for k in keys], [second[k][1] for k in keys]
    print(f"\n## Agreement of two annotators on {len(keys)} held-out occurrences\n")
    print(f"same label {np.mean([x == y for x, y in zip(a, b)]):.3f}, Cohen's kappa (4 labels) {cohen_kappa_score(a, b):.3f}")
    for name, keep in (("default list", lambda w: True), ("discourse words", lambda w: w in DISCOURSE_FILLERS),
                       ("like", lambda w: w == "like")):
        pairs = [(x, y) for k, x, y in zip(keys, a, b) if keep(second[k][0]) and "backchannel" not in (x, y)]
        tp = sum(x == y == "filler" for x, y in pairs)
        fp = sum(y == "filler" != x for x, y in pairs)
        fn = sum(x == "filler" != y for x, y in pairs)
        print(f"second annotator against the first, {name:16s} (unsure = not)  P {{:.3f}}  R {{:.3f}}  F1 {{:.3f}}".format(*f1(tp, fp, fn)))


def table(counts: dict[str, Counter], words: list[str]) -> list[str]:
    lines = ["| word | gold | P | R | F1 |", "|---|---:|---:|---:|---:|"]
    for word in words:
        c = counts.get(word, Counter())
        if not c["tp"] + c["fn"] + c["fp"]:
            continue
        p, r, f = f1(c["tp"], c["fp"], c["fn"])
        lines.append(f"| {word} | {c['tp'] + c['fn']} | {p:.3f} | {r:.3f} | {f:.3f} |")
    return lines


def total(counts: dict[str, Counter], words) -> tuple[float, float, float, int]:
    tp = sum(counts[w]["tp"] for w in words if w in counts)
    fp = sum(counts[w]["fp"] for w in words if w in counts)
    fn = sum(counts[w]["fn"] for w in words if w in counts)
    return (*f1(tp, fp, fn), tp + fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the fillers-rev16 folder")
    parser.add_argument("--out", type=Path, default=MODELS / MODEL_FILE)
    parser.add_argument("--cache", type=Path, help="optional file to keep the spaCy parses in between runs")
    parser.add_argument("--show-false-positives", type=int, default=0,
                        help="print a random sample (seed 0) of N held-out false positives, to adjudicate by hand")
    parser.add_argument("--adjudicated", type=Path,
                        default=MODELS / "fillers_heldout_adjudicated.tsv",
                        help="hand labels of every held-out candidate (chunk id, start, end, word, label)")
    parser.add_argument("--train-labels", choices=("adjudicated", "silver"), default="adjudicated",
                        help="train (and cross-validate) on the hand adjudication of the training episodes, or on the silver labels")
    parser.add_argument("--train-adjudicated", type=Path,
                        default=MODELS / "fillers_train_adjudicated.tsv",
                        help="hand labels of the training episodes' discourse candidates")
    parser.add_argument("--second-annotation", type=Path,
                        default=MODELS / "fillers_heldout_second_annotation.tsv",
                        help="an independent second annotation of part of the held-out occurrences (for agreement)")
    parser.add_argument("--cv-only", action="store_true",
                        help="stop after the cross-validation report: save no model, leave the held-out episodes unscored")
    parser.add_argument("--synthetic", type=Path, default=MODELS / "fillers_synthetic.txt",
                        help="labelled synthetic transcripts added to every training fold (models/fillers_synthetic.md)")
    parser.add_argument("--no-synthetic", action="store_true", help="train on the Rev16 training episodes alone")
    parser.add_argument("--score", type=Path, metavar="MODEL",
                        help="train nothing: score this saved model (e.g. an earlier models/fillers.joblib) on the held-out episodes")
    args = parser.parse_args()

    chunks = load_chunks(args.data)
    docs = parse(chunks, args.cache)
    if args.score:
        report_held_out(chunks, docs, ContextModel.from_bundle(joblib.load(args.score)), args)
        return
    if args.train_labels == "adjudicated":
        adjudicate([c for c in chunks if c.episode not in HELD_OUT], read_adjudication(args.train_adjudicated))
    train_idx = [i for i, c in enumerate(chunks) if c.episode not in HELD_OUT]
    train, skipped = examples([chunks[i] for i in train_idx], [docs[i] for i in train_idx])
    print(f"training episodes: {sorted({chunks[i].episode for i in train_idx})}; held out: {list(HELD_OUT)}")
    print(f"training candidates: {len(train)} ({sum(e.label for e in train)} fillers; {skipped} inside other deletions left out)")

    extra, extra_texts = ([], {}) if args.no_synthetic else synthetic_examples(args.synthetic)
    print(f"synthetic candidates: {len(extra)} ({sum(e.label for e in extra)} fillers) from {len(extra_texts)} transcripts")

    words = tuple(sorted({*DISCOURSE_FILLERS, *EXTRA_MODEL_WORDS}))
    inputs = encode({chunks[i].id: chunks[i].text for i in train_idx}, train, words)
    extra_inputs = encode(extra_texts, extra, words)
    params, head_c, threshold, oof = tune(train, inputs, extra, extra_inputs)
    print(f"chosen by leave-one-show-out CV on the training episodes: {params}, head C={head_c}, threshold {threshold}")
    cv = cross_validated([chunks[i] for i in train_idx], train, oof, threshold)
    print("\n## Leave-one-show-out CV over the training episodes (out-of-fold, chosen parameters)\n")
    print("\n".join(table(cv, ALL_WORDS)))
    for label, ws in SUMMARIES:
        p, r, f, n = total(cv, ws)
        print(f"{'cv':16s} {label:38s} gold {n:4d}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if args.cv_only:
        return
    y = [e.label for e in train + extra]
    pipe = make_pipeline(params).fit([e.features for e in train + extra], y)
    head = make_head(head_c).fit(np.vstack([inputs, extra_inputs]), y)
    bundle = {
        "pipeline": pipe,
        "head": head,
        "encoder": ENCODER,
        "layer": LAYER,
        "threshold": threshold,
        "words": words,
        "params": params,
        "head_c": head_c,
        "train_episodes": sorted({chunks[i].episode for i in train_idx}),
        "synthetic_transcripts": len(extra_texts),
        "sklearn_version": sklearn.__version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, args.out, compress=3)
    print(f"saved {args.out}")

    report_held_out(chunks, docs, ContextModel(pipe, head, LAYER, threshold, words, ENCODER), args)


def report_held_out(chunks: list[Chunk], docs, model: ContextModel, args: argparse.Namespace) -> None:
    """The held-out tables: silver labels, then the hand adjudication (strict and lenient), then agreement."""
    test_idx = [i for i, c in enumerate(chunks) if c.episode in HELD_OUT]
    held_out = [chunks[i] for i in test_idx]
    predicted = predict([docs[i] for i in test_idx], model)
    shipped, rules, fps = count_outcomes(held_out, predicted)
    print(f"\n## Held-out episodes {', '.join(HELD_OUT)} (silver labels; unlabelled list words count as negatives)\n")
    print("\n".join(table(shipped, ALL_WORDS)))
    for name, counts in (("model", shipped), ("rule baseline", rules)):
        for label, ws in SUMMARIES:
            p, r, f, n = total(counts, ws)
            print(f"{name:16s} {label:38s} gold {n:4d}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"\nmachine: {platform.platform()}, {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"scikit-learn {sklearn.__version__}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    labels = read_adjudication(args.adjudicated)
    for lenient in (False, True):
        scored = adjudicated_outcomes(held_out, predicted, labels, lenient)
        print(f"\n## Held-out episodes against the hand adjudication ({'unsure = filler' if lenient else 'unsure = not a filler'};"
              " back-channels left out)\n")
        print("\n".join(table(scored["detector"], DEFAULT_WORDS)))
        for name, counts in scored.items():
            for label, ws in SUMMARIES[:1] + SUMMARIES[2:]:
                p, r, f, n = total(counts, ws)
                print(f"{name:16s} {label:38s} gold {n:4d}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    agreement(labels, read_adjudication(args.second_annotation))
    fps = [(chunk, cand) for chunk, cand in fps if cand.word in DEFAULT_WORDS]
    for chunk, cand in random.Random(0).sample(fps, min(args.show_false_positives, len(fps))):
        context = chunk.text[max(0, cand.start - 70) : cand.start] + "[[" + cand.text + "]]" + chunk.text[cand.end : cand.end + 50]
        print(f"{chunk.id}\t{cand.start}\t{cand.end}\t{cand.word}\t{context}")


if __name__ == "__main__":
    with threadpool_limits(1):  # one core: the machine is shared; results do not depend on it
        main()
