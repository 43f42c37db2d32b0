"""Agreement between the labels in data/realspeech/ and a second, blind annotation pass.

The second pass is a JSON-lines file with one object per item, holding the item's ``id`` and the
second annotator's label(s) in the same fields as the label file:

* negativity (and its training labels, ``negativity_train``): ``label`` (0/1) and optionally ``category``;
* star (and its training labels, ``star_train``): ``clauses`` as ``[[start, end, label], ...]`` over the same
  clause offsets;
* questions: ``kind``.

It prints percent agreement and Cohen's kappa (scikit-learn's ``cohen_kappa_score``) on the items both
passes labelled, per field (for STAR: per clause, and per narrative for the presence of action and
result), and lists the disagreements to adjudicate. The second pass of phase 1 (labels and ids only)
is in ``data/realspeech/second_pass/``, the default::

    python scripts/label_agreement.py negativity --list
    python scripts/label_agreement.py star
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import realspeech

STAR_SETS = ("star", "star_train")
FIELDS = {"negativity": ("label", "category"), "negativity_train": ("label", "category"), "questions": ("kind",)}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def agreement(first: list[Any], second: list[Any]) -> dict[str, Any]:
    from sklearn.metrics import cohen_kappa_score

    same = sum(a == b for a, b in zip(first, second))
    kappa = cohen_kappa_score(first, second) if len(set(first) | set(second)) > 1 else 1.0
    return {"items": len(first), "percent_agreement": same / len(first) if first else 0.0, "cohen_kappa": float(kappa)}


def star_pairs(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, list[tuple[Any, Any]]]:
    theirs_by_span = {(s, e): label for s, e, label in theirs.get("clauses", [])}
    clause = [(label, theirs_by_span[(s, e)]) for s, e, label in mine["clauses"] if (s, e) in theirs_by_span]
    present = {}
    for part in ("action", "result"):
        present[part] = [(any(lab == part for _, _, lab in mine["clauses"]),
                          any(lab == part for lab in theirs_by_span.values()))]
    return {"clause": clause, **{f"has_{p}": v for p, v in present.items()}}


def compare(name: str, second: list[dict[str, Any]]) -> dict[str, Any]:
    mine = {item["id"]: item for item in realspeech.read_labels(name)}
    shared = [s for s in second if s["id"] in mine]
    pairs: dict[str, list[tuple[Any, Any]]] = {}
    for theirs in shared:
        ours = mine[theirs["id"]]
        if name in STAR_SETS:
            for key, value in star_pairs(ours, theirs).items():
                pairs.setdefault(key, []).extend(value)
            continue
        for field in FIELDS[name]:
            if field in theirs:
                pairs.setdefault(field, []).append((ours[field], theirs[field]))
    result: dict[str, Any] = {"set": name, "items_in_both": len(shared), "unknown_ids": len(second) - len(shared)}
    for field, values in pairs.items():
        result[field] = agreement([a for a, _ in values], [b for _, b in values])
        result[field]["disagreements"] = sum(a != b for a, b in values)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=["negativity", "negativity_train", *STAR_SETS, "questions"])
    parser.add_argument("second_pass", type=Path, nargs="?",
                        help="the second annotator's JSON-lines file (default: data/realspeech/second_pass/SET.jsonl)")
    parser.add_argument("--list", action="store_true", help="print the ids on which the passes disagree")
    args = parser.parse_args(argv)
    second = read_jsonl(args.second_pass or realspeech.DATA / "second_pass" / f"{args.set}.jsonl")
    print(json.dumps(compare(args.set, second), indent=1, default=lambda x: round(x, 3)))
    if args.list and args.set not in STAR_SETS:
        mine = {item["id"]: item for item in realspeech.read_labels(args.set)}
        for theirs in second:
            ours = mine.get(theirs["id"])
            for field in FIELDS[args.set]:
                if ours and field in theirs and ours[field] != theirs[field]:
                    print(f"{theirs['id']} {field}: first {ours[field]!r}, second {theirs[field]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
