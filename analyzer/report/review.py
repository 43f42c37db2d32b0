"""Coach review: merge the verdicts exported from the HTML report into the JSON report.

The HTML page exports a small review document (``analyzer/report/schema/review.schema.json``): who
reviewed, which session, and per flag (answer id + index, code as a check) ``agree``/``disagree``
and a comment. :func:`merge_review` keeps the coach's verdict **beside** the tool's: each reviewed
flag gains a ``review`` object, and the report gains a top-level ``review`` summary. The tool's
own fields are never changed. Importing again updates the flags it names and leaves the others.
:func:`carry_over` moves the verdicts onto a new analysis of the same session (batch reruns).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping

from analyzer.datamodel import SCHEMA_VERSION
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
    report = _load_json(path, "report")
    validate_report(report, str(path))
    return report


def validate_report(report: Mapping[str, Any], source: str, what: str = "report") -> None:
    """:func:`validate` against the schema of the report's own ``schema_version`` (a report written
    by an earlier version is read as it is: a review merged into it keeps its version)."""
    from analyzer.resources import schema_file

    version = report.get("schema_version")
    if version != SCHEMA_VERSION and not (isinstance(version, int) and schema_file(version).is_file()):
        raise InputError(f"{source}: not a {what} this version reads: schema_version {version!r} "
                         f"(it reads {', '.join(map(str, range(1, SCHEMA_VERSION + 1)))})")
    validate(report, _schema(schema_file(version)), source, what)


def merge_review(report: Mapping[str, Any], review: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` with the review's verdicts beside the flags they judge.

    Raises :class:`InputError` on the first verdict that does not fit the report."""
    session = review.get("report", {})
    ours, theirs = report.get("input", {}).get("sha256"), session.get("input_sha256")
    if ours and theirs and ours != theirs:
        raise InputError(f"the review is for another session (input {session.get('input_path') or theirs[:12]}, "
                         f"this report is for {report['input'].get('path') or ours[:12]})")
    return _merge(report, review, lenient=False)[0]


def _merge(report: Mapping[str, Any], review: Mapping[str, Any], *, lenient: bool) -> tuple[dict[str, Any], list[str]]:
    """:func:`merge_review` without the session check; ``lenient``: verdicts that do not fit are
    left out (and returned, as reasons) instead of refusing the review."""
    merged = copy.deepcopy(dict(report))
    answers = {a["id"]: a for a in merged["answers"]}
    seen: set[tuple[str, int]] = set()
    unmatched: list[str] = []
    for v in review["verdicts"]:
        where = f"verdict on {v['answer_id']} flag {v['flag_index']}"
        answer = answers.get(v["answer_id"])
        problem = None
        if answer is None:
            problem = f"{where}: the report has no answer {v['answer_id']!r}"
        elif v["flag_index"] >= len(answer["flags"]):
            n = len(answer["flags"])
            problem = f"{where}: answer {v['answer_id']} has only {n} flag{'' if n == 1 else 's'}"
        elif answer["flags"][v["flag_index"]]["code"] != v["code"]:
            problem = (f"{where}: the review names {v['code']!r} but the report has "
                       f"{answer['flags'][v['flag_index']]['code']!r} there (was the report re-generated after the review?)")
        elif (v["answer_id"], v["flag_index"]) in seen:
            problem = f"{where}: given twice in the review"
        if problem:
            if not lenient:
                raise InputError(problem)
            unmatched.append(problem)
            continue
        seen.add((v["answer_id"], v["flag_index"]))
        answer["flags"][v["flag_index"]]["review"] = {
            "verdict": v["verdict"], "comment": v.get("comment", ""),
            "reviewer": review["reviewer"], "exported_at": review.get("exported_at")}
    reviewed = [f["review"] for a in merged["answers"] for f in a["flags"] if "review" in f]
    merged["review"] = {
        "reviewer": review["reviewer"],
        "exported_at": review.get("exported_at"),
        "verdicts": len(reviewed),
        "agree": sum(1 for r in reviewed if r["verdict"] == "agree"),
        "disagree": sum(1 for r in reviewed if r["verdict"] == "disagree"),
    }
    return merged, unmatched


def has_review(report: Mapping[str, Any]) -> bool:
    """Whether a coach's verdicts were merged into ``report``."""
    answers = report.get("answers")
    return "review" in report or (isinstance(answers, list) and any(
        isinstance(a, dict) and isinstance(a.get("flags"), list) and any(isinstance(f, dict) and "review" in f
                                                                         for f in a["flags"])
        for a in answers))


def without_review(report: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` as the tool wrote it: the merged verdicts and the review summary taken out."""
    plain = copy.deepcopy(dict(report))
    plain.pop("review", None)
    for answer in plain.get("answers", []):
        for flag in answer.get("flags", []):
            flag.pop("review", None)
    return plain


def reviews_in(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The review documents whose verdicts ``report`` holds, one per reviewer and export (as the
    HTML page exported them), in the order that re-imports them to the same report: the one its
    ``review`` summary names last."""
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for answer in report.get("answers", []):
        for index, flag in enumerate(answer.get("flags", [])):
            if isinstance(flag.get("review"), dict):
                r = flag["review"]
                groups.setdefault((r.get("reviewer"), r.get("exported_at")), []).append(
                    {"answer_id": answer["id"], "code": flag["code"], "flag_index": index,
                     "verdict": r.get("verdict"), "comment": r.get("comment", "")})
    summary = report.get("review") or {}
    last = (summary.get("reviewer"), summary.get("exported_at"))
    order = sorted(groups, key=lambda key: key == last)  # stable: the others keep report order
    return [{"review_version": 1, "reviewer": reviewer, "exported_at": exported_at, "verdicts": groups[reviewer, exported_at]}
            for reviewer, exported_at in order]


def carry_over(previous: Mapping[str, Any], report: Mapping[str, Any]) -> tuple[dict[str, Any], int, list[str]]:
    """``report``, a new analysis of a session, with the coach's verdicts from ``previous`` (an earlier
    report of it, with an imported review) merged in where they still fit, by the rules of
    :func:`merge_review` (the same answer id, flag index and code); the input may have changed.

    Returns the report (without a ``review`` summary when no verdict fits), the number of verdicts
    kept and why each of the others could not be."""
    merged, kept, unmatched = dict(report), 0, []
    for review in reviews_in(previous):
        candidate, left_out = _merge(merged, review, lenient=True)
        unmatched += left_out
        if len(left_out) < len(review["verdicts"]):  # the summary names the last reviewer with a verdict kept
            merged = candidate
            kept += len(review["verdicts"]) - len(left_out)
    return (merged if kept else without_review(report)), kept, unmatched


def import_review(review_path: Path, report_path: Path) -> dict[str, Any]:
    """Validate both files, merge, validate the result and write the report back atomically.

    Returns the merged report's ``review`` summary (counting every reviewed flag in the report,
    from this import and earlier ones) plus ``imported``: the number of verdicts this file merged.
    """
    from analyzer.fileio import atomic_write_text
    from analyzer.report.json import report_text

    review = load_review(review_path)
    report = load_report(report_path)
    try:
        merged = merge_review(report, review)
    except InputError as exc:
        raise InputError(f"{review_path}: {exc}") from None
    validate_report(merged, str(report_path), "report after merging")
    try:
        atomic_write_text(report_path, report_text(merged))
    except OSError as exc:
        raise InputError(f"{report_path}: cannot write: {exc.strerror or exc}") from None
    return {**merged["review"], "imported": len(review["verdicts"])}
