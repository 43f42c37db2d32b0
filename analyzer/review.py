"""Coach review: merge the verdicts exported from the HTML report into the JSON report.

The HTML page exports a small review document (``analyzer/schema/review.schema.json``): who
reviewed, which session, and per flag (answer id + index, code as a check) ``agree``/``disagree``
and a comment. :func:`merge_review` keeps the coach's verdict **beside** the tool's: each reviewed
flag gains a ``review`` object, and the report gains a top-level ``review`` summary. The tool's
own fields are never changed. Importing again updates the flags it names and leaves the others.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping

from analyzer.errors import InputError

REVIEW_SCHEMA = Path(__file__).resolve().parent / "schema" / "review.schema.json"


def _load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a {what} JSON file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a {what}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a {what}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a {what}: expected a JSON object, got {type(data).__name__}")
    return data


def _schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def validate(data: Mapping[str, Any], schema: Mapping[str, Any], source: str, what: str) -> None:
    """Raise a one-line :class:`InputError` naming the first schema violation and where it is."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".") or "top level"
    message = " ".join(error.message.split())
    if len(message) > 160:
        message = message[:157] + "..."
    raise InputError(f"{source}: not a valid {what}: {message} (at {where})")


def load_review(path: Path) -> dict[str, Any]:
    review = _load_json(path, "review")
    validate(review, _schema(REVIEW_SCHEMA), str(path), "review")
    return review


def load_report(path: Path) -> dict[str, Any]:
    from analyzer.resources import schema_file

    report = _load_json(path, "report")
    validate(report, _schema(schema_file()), str(path), "report")
    return report


def merge_review(report: Mapping[str, Any], review: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` with the review's verdicts beside the flags they judge."""
    session = review.get("report", {})
    ours, theirs = report.get("input", {}).get("sha256"), session.get("input_sha256")
    if ours and theirs and ours != theirs:
        raise InputError(f"the review is for another session (input {session.get('input_path') or theirs[:12]}, "
                         f"this report is for {report['input'].get('path') or ours[:12]})")
    merged = copy.deepcopy(dict(report))
    answers = {a["id"]: a for a in merged["answers"]}
    seen: set[tuple[str, int]] = set()
    for v in review["verdicts"]:
        where = f"verdict on {v['answer_id']} flag {v['flag_index']}"
        answer = answers.get(v["answer_id"])
        if answer is None:
            raise InputError(f"{where}: the report has no answer {v['answer_id']!r}")
        if v["flag_index"] >= len(answer["flags"]):
            n = len(answer["flags"])
            raise InputError(f"{where}: answer {v['answer_id']} has only {n} flag{'' if n == 1 else 's'}")
        flag = answer["flags"][v["flag_index"]]
        if flag["code"] != v["code"]:
            raise InputError(f"{where}: the review names {v['code']!r} but the report has {flag['code']!r} there "
                             "(was the report re-generated after the review?)")
        if (v["answer_id"], v["flag_index"]) in seen:
            raise InputError(f"{where}: given twice in the review")
        seen.add((v["answer_id"], v["flag_index"]))
        flag["review"] = {"verdict": v["verdict"], "comment": v.get("comment", ""),
                          "reviewer": review["reviewer"], "exported_at": review.get("exported_at")}
    reviewed = [f["review"] for a in merged["answers"] for f in a["flags"] if "review" in f]
    merged["review"] = {
        "reviewer": review["reviewer"],
        "exported_at": review.get("exported_at"),
        "verdicts": len(reviewed),
        "agree": sum(1 for r in reviewed if r["verdict"] == "agree"),
        "disagree": sum(1 for r in reviewed if r["verdict"] == "disagree"),
    }
    return merged


def import_review(review_path: Path, report_path: Path) -> dict[str, Any]:
    """Validate both files, merge, validate the result and write the report back atomically.

    Returns the merged report's ``review`` summary (counting every reviewed flag in the report,
    from this import and earlier ones) plus ``imported``: the number of verdicts this file merged.
    """
    from analyzer.fileio import atomic_write_text
    from analyzer.resources import schema_file

    review = load_review(review_path)
    report = load_report(report_path)
    try:
        merged = merge_review(report, review)
    except InputError as exc:
        raise InputError(f"{review_path}: {exc}") from None
    validate(merged, _schema(schema_file()), str(report_path), "report after merging")
    try:
        atomic_write_text(report_path, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"{report_path}: cannot write: {exc.strerror or exc}") from None
    return {**merged["review"], "imported": len(review["verdicts"])}
