"""Coach review import: verdicts kept beside the tool's flags, one-line errors for bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from html_fixtures import build_report
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import InputError
from analyzer.report.json import report_to_dict
from analyzer.report.migrate import upgrade
from analyzer.report.review import REVIEW_SCHEMA, carry_over, merge_review, validate_report, without_review
from analyzer.resources import schema_file

REPORT_SCHEMA = json.loads(schema_file().read_text())


def _review(**overrides) -> dict:
    review = {
        "review_version": 1,
        "report": {"input_path": "session.wav", "input_sha256": "ab" * 32, "tool_version": "0.1.0"},
        "reviewer": "Coach Kim",
        "exported_at": "2026-11-26T02:00:00.000Z",
        "verdicts": [
            {"answer_id": "q1", "code": "filler-words", "flag_index": 0, "verdict": "agree", "comment": "Yes, the ums."},
            {"answer_id": "q1", "code": "employer-negativity", "flag_index": 1, "verdict": "disagree",
             "comment": "Fair criticism, said calmly."},
            {"answer_id": "q2", "code": "low-enthusiasm", "flag_index": 0, "verdict": None, "comment": "Ask again."},
        ],
    }
    review.update(overrides)
    return review


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    report = tmp_path / "session.json"
    report.write_text(json.dumps(report_to_dict(build_report()), indent=2))
    review = tmp_path / "session.review.json"
    review.write_text(json.dumps(_review()))
    return review, report


def test_verdicts_sit_beside_the_tools_flags():
    report = report_to_dict(build_report())
    merged = merge_review(report, _review())
    jsonschema.validate(merged, REPORT_SCHEMA)
    assert report == report_to_dict(build_report()), "the input dict is not modified"
    for before, after in zip(report["answers"], merged["answers"]):
        for tool_flag, merged_flag in zip(before["flags"], after["flags"]):
            assert {k: v for k, v in merged_flag.items() if k != "review"} == tool_flag
    q1 = merged["answers"][0]["flags"]
    assert q1[0]["review"] == {"verdict": "agree", "comment": "Yes, the ums.", "reviewer": "Coach Kim",
                               "exported_at": "2026-11-26T02:00:00.000Z"}
    assert q1[1]["review"]["verdict"] == "disagree" and q1[1]["severity"] == "error"
    assert merged["answers"][1]["flags"][0]["review"]["verdict"] is None
    assert merged["review"] == {"reviewer": "Coach Kim", "exported_at": "2026-11-26T02:00:00.000Z",
                                "verdicts": 3, "agree": 1, "disagree": 1}


def test_a_second_import_updates_only_the_flags_it_names():
    first = merge_review(report_to_dict(build_report()), _review())
    later = _review(reviewer="Coach Lee", verdicts=[
        {"answer_id": "q1", "code": "employer-negativity", "flag_index": 1, "verdict": "agree"}])
    merged = merge_review(first, later)
    flags = merged["answers"][0]["flags"]
    assert flags[0]["review"]["reviewer"] == "Coach Kim"
    assert flags[1]["review"] == {"verdict": "agree", "comment": "", "reviewer": "Coach Lee",
                                  "exported_at": "2026-11-26T02:00:00.000Z"}
    assert merged["review"]["verdicts"] == 3 and merged["review"]["agree"] == 2


def test_carry_over_keeps_each_reviewers_verdicts_where_they_still_fit():
    reviewed = merge_review(merge_review(report_to_dict(build_report()), _review()), _review(
        reviewer="Coach Lee", verdicts=[{"answer_id": "q2", "code": "low-enthusiasm", "flag_index": 0, "verdict": "agree"}]))
    fresh = report_to_dict(build_report())
    assert carry_over(reviewed, fresh) == (reviewed, 3, [])
    assert without_review(reviewed) == fresh
    fresh["answers"][0]["flags"].pop(0)  # re-analysed: q1's filler flag is gone, its negativity flag moved up
    moved, kept, unmatched = carry_over(reviewed, fresh)
    assert kept == 1 and len(unmatched) == 2 and "has only 1 flag" in unmatched[1]
    assert [f.get("review", {}).get("reviewer") for a in moved["answers"] for f in a["flags"]] == [None, "Coach Lee"]
    assert moved["review"]["reviewer"] == "Coach Lee" and moved["review"]["verdicts"] == 1
    jsonschema.validate(moved, REPORT_SCHEMA)
    fresh["answers"][1]["flags"].clear()
    assert carry_over(reviewed, fresh)[:2] == (fresh, 0)  # nothing fits: no review summary either


@pytest.mark.parametrize("verdicts, message", [
    ([{"answer_id": "q9", "code": "rambling", "flag_index": 0, "verdict": "agree"}], "has no answer 'q9'"),
    ([{"answer_id": "q1", "code": "filler-words", "flag_index": 5, "verdict": "agree"}], "has only 2 flags"),
    ([{"answer_id": "q2", "code": "low-enthusiasm", "flag_index": 1, "verdict": "agree"}], "has only 1 flag$"),
    ([{"answer_id": "q1", "code": "rambling", "flag_index": 0, "verdict": "agree"}], "names 'rambling'"),
    ([{"answer_id": "q2", "code": "low-enthusiasm", "flag_index": 0, "verdict": "agree"}] * 2, "given twice"),
])
def test_verdicts_that_do_not_fit_the_report_are_refused(verdicts, message):
    with pytest.raises(InputError, match=message):
        merge_review(report_to_dict(build_report()), _review(verdicts=verdicts))


def test_cli_counts_one_verdict_in_the_singular(tmp_path: Path):
    report = tmp_path / "session.json"
    report.write_text(json.dumps(report_to_dict(build_report())))
    review = tmp_path / "session.review.json"
    review.write_text(json.dumps(_review(verdicts=[
        {"answer_id": "q2", "code": "low-enthusiasm", "flag_index": 0, "verdict": "agree"}])))
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report)])
    assert result.exit_code == 0, result.output
    assert "merged 1 verdict by Coach Kim" in result.output


def test_cli_counts_the_verdicts_of_this_import_not_every_reviewed_flag(files):
    review, report = files
    assert "merged 3 verdicts by Coach Kim" in CliRunner().invoke(app, ["review", "import", str(review), str(report)]).output
    review.write_text(json.dumps(_review(reviewer="Coach Lee", verdicts=[
        {"answer_id": "q1", "code": "employer-negativity", "flag_index": 1, "verdict": "agree"}])))
    again = CliRunner().invoke(app, ["review", "import", str(review), str(report)])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == f"merged 1 verdict by Coach Lee into {report} (3 reviewed flags in the report now)"
    assert json.loads(report.read_text())["review"]["verdicts"] == 3


def test_a_review_of_another_session_is_refused():
    other = _review(report={"input_path": "other.wav", "input_sha256": "cd" * 32})
    with pytest.raises(InputError, match="another session"):
        merge_review(report_to_dict(build_report()), other)


def test_cli_import_merges_and_rewrites_the_report(files):
    review, report = files
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report)])
    assert result.exit_code == 0, result.output
    assert "merged 3 verdicts by Coach Kim" in result.output
    data = json.loads(report.read_text())
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["answers"][0]["flags"][1]["review"]["comment"] == "Fair criticism, said calmly."
    assert not list(report.parent.glob(".*.tmp")), "no temporary file left behind"


def test_cli_import_can_write_the_reviewed_html_page(files):
    review, report = files
    page = report.with_suffix(".html")
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert f"wrote {page}" in result.output
    html = page.read_text()
    assert "Fair criticism, said calmly." in html and 'value="disagree" checked' in html


BAD_REVIEWS = {
    "not json": ("{verdicts: oops", "invalid JSON at line 1"),
    "a list": ("[]", "expected a JSON object"),
    "bad verdict": (json.dumps(_review(verdicts=[{"answer_id": "q1", "code": "filler-words", "flag_index": 0,
                                                  "verdict": "maybe"}])), "verdicts[0].verdict"),
    "no reviewer": (json.dumps({k: v for k, v in _review().items() if k != "reviewer"}), "'reviewer' is a required"),
    "empty verdict": (json.dumps(_review(verdicts=[{"answer_id": "q1", "code": "filler-words", "flag_index": 0,
                                                    "verdict": None, "comment": ""}])), "verdicts[0]"),
    "wrong flag": (json.dumps(_review(verdicts=[{"answer_id": "q1", "code": "rambling", "flag_index": 0,
                                                 "verdict": "agree"}])), "names 'rambling'"),
}


@pytest.mark.parametrize("name", list(BAD_REVIEWS))
def test_bad_review_files_give_one_line_errors_and_leave_the_report_alone(files, name):
    review, report = files
    text, expected = BAD_REVIEWS[name]
    review.write_text(text)
    before = report.read_bytes()
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report)])
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interview-analyzer: error: "), result.output
    assert str(review) in lines[0] and expected in lines[0]
    assert report.read_bytes() == before


def test_bad_report_files_give_one_line_errors(files):
    review, report = files
    broken = copy.deepcopy(json.loads(report.read_text()))
    broken["answers"][0]["flags"][0]["severity"] = "fatal"
    report.write_text(json.dumps(broken))
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report)])
    assert result.exit_code == 3
    assert result.output.strip() == (f"interview-analyzer: error: {report}: not a valid report: 'fatal' is not one of "
                                     "['info', 'warning', 'error'] (at answers[0].flags[0].severity)")
    missing = CliRunner().invoke(app, ["review", "import", str(review), str(report.with_name("nope.json"))])
    assert missing.exit_code == 3 and "nope.json: no such file" in missing.output


def test_review_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(REVIEW_SCHEMA.read_text()))
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)


# ------------------------------------------------------------------ reports of schema version 1

REPORT_V1 = Path(__file__).resolve().parent / "fixtures" / "report-v1.json"
"""filler_heavy_answer.txt as the version before schema 2 reported it (flat metrics)."""


def _v1_review() -> dict:
    return _review(report={}, verdicts=[{"answer_id": "q1", "code": "missing-star", "flag_index": 1,
                                         "verdict": "agree", "comment": "No result."}])


def test_a_version_1_report_takes_a_review_and_stays_version_1(tmp_path: Path):
    report = tmp_path / "old.json"
    report.write_text(REPORT_V1.read_text())
    review = tmp_path / "old.review.json"
    review.write_text(json.dumps(_v1_review()))
    result = CliRunner().invoke(app, ["review", "import", str(review), str(report), "--html", str(tmp_path / "old.html")])
    assert result.exit_code == 0, result.output
    merged = json.loads(report.read_text())
    assert merged["schema_version"] == 1 and "words" in merged["answers"][0]["metrics"]
    jsonschema.validate(merged, json.loads(schema_file(1).read_text()))
    assert merged["answers"][0]["flags"][1]["review"]["comment"] == "No result."
    page = (tmp_path / "old.html").read_text()
    assert "No result." in page and "rambling › words" in page  # the page reads it as version 2


def test_verdicts_carry_over_from_a_version_1_report():
    previous = merge_review(json.loads(REPORT_V1.read_text()), _v1_review())
    current = upgrade(json.loads(REPORT_V1.read_text()))
    carried, kept, unmatched = carry_over(previous, current)
    assert (kept, unmatched) == (1, []) and carried["schema_version"] == 2
    assert carried["answers"][0]["flags"][1]["review"]["verdict"] == "agree"


def test_upgrading_version_1_namespaces_the_metrics():
    report = upgrade(json.loads(REPORT_V1.read_text()))
    jsonschema.validate(report, REPORT_SCHEMA)
    metrics = report["answers"][0]["metrics"]
    assert set(metrics) == {"rambling", "fillers", "enthusiasm", "star", "negativity"}
    assert metrics["fillers"] == {"count": 10, "per_100_words": 8.7, "per_minute": None}
    assert metrics["star"]["actions_only_we"] is False
    assert report["flags"] == [] and report["metrics"] == {}


def test_an_unknown_schema_version_is_one_line():
    data = json.loads(REPORT_V1.read_text())
    data["schema_version"] = 7
    with pytest.raises(InputError, match="schema_version 7"):
        validate_report(data, "future.json")
