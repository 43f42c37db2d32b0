"""The committed corpus of hostile inputs (tests/fuzz_corpus/, made by scripts/make_fuzz_corpus.py) through
the real command line, in one ``analyze`` call so the models load once (#22, docs/robustness.md).

The contract for every input: a valid report (JSON strict and matching the schema, Markdown and HTML
written), or exactly one error line naming it; never an internal error (exit 5), a traceback or a hang.
Where MANIFEST.tsv says which of the two an input must get, it must get that one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from analyzer.resources import schema_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
ERROR = "interview-analyzer: error: "


def manifest() -> list[tuple[str, str, str]]:
    rows = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(row.split("\t")) for row in rows]  # type: ignore[misc]


def test_the_corpus_is_what_the_script_makes_and_big_enough() -> None:
    rows = manifest()
    assert len(rows) >= 200
    assert sorted(p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.tsv") == sorted(name for name, _, _ in rows)
    classes = {kind for _, kind, _ in rows}
    assert {"truncation", "nul", "rtl", "invisible", "line-endings", "size", "json-types", "json-numbers",
            "json-nesting", "subtitle-times", "audio", "audio-header"} <= classes
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 6_000_000


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("corpus-reports")
    inputs = [f"tests/fuzz_corpus/{name}" for name, _, _ in manifest()]
    result = subprocess.run([sys.executable, "-m", "analyzer", "analyze", *inputs, "--out", str(out), "--quiet",
                             "--format", "json,md,html"], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    return result, out


def test_every_input_gets_a_valid_report_or_one_error_line(corpus_run) -> None:
    result, out = corpus_run
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in (0, 1, 3), result.stderr[-3000:]
    schema = json.loads(schema_file().read_text())
    errors: dict[str, list[str]] = {}
    for line in result.stderr.splitlines():
        if line.startswith(ERROR):
            name = line[len(ERROR):].split(":", 1)[0].removeprefix("tests/fuzz_corpus/")
            errors.setdefault(name, []).append(line)
        else:
            assert line.startswith(("wrote ", "WARNING ")), line
    wrong = []
    for name, kind, expect in manifest():
        stem = name.rsplit(".", 1)[0]
        written = sorted(p.suffix for p in out.glob(f"{stem}.*"))
        if name in errors:
            assert len(errors[name]) == 1 and not written, (name, errors[name], written)
            got = "refused"
        else:
            assert written == [".html", ".json", ".md"], (name, written)
            report = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"), parse_constant=_no_constant)
            jsonschema.validate(report, schema)
            got = "report"
        if expect != "any" and got != expect:
            wrong.append(f"{name} ({kind}): expected {expect}, got {got} {errors.get(name, [''])[0]}")
    assert not wrong, "\n".join(wrong)
    assert len(errors) < len(manifest())  # some inputs do get reports


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in a JSON report")
