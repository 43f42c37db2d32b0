"""docs/architecture.md's walkthrough check is real: installed from the page, it runs end to end."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path

import jsonschema
import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


@pytest.fixture
def perks(monkeypatch: pytest.MonkeyPatch):
    """``analyzer/checks/perks.py`` as the walkthrough writes it, registered like any check module."""
    from analyzer import checks

    source = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    module = types.ModuleType("analyzer.checks.perks")
    exec(compile(source, str(DOC), "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(checks, "CHECK_MODULES", (*checks.CHECK_MODULES, "perks"))
    checks.registry.cache_clear()
    yield module
    checks.registry.cache_clear()


def test_the_walkthrough_check_runs_its_examples_and_reaches_every_format(perks):
    from analyzer.config import Config, from_mapping
    from analyzer.errors import ConfigError
    from analyzer.pipeline import Analyzer
    from analyzer.readers.text import parse_text
    from analyzer.report import render
    from analyzer.resources import schema_file

    for example in perks.RULE.examples:
        report = Analyzer(Config(select=["perks-first"])).analyze_transcript(parse_text(example.as_transcript()))
        assert bool(report.answers[0].flags) == example.flagged, example
    report = Analyzer(Config(select=["perks-first"])).analyze_transcript(parse_text(perks.RULE.examples[0].as_transcript()))
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, json.loads(schema_file().read_text()))
    assert data["answers"][0]["metrics"] == {"perks": {"mentions": 2}}
    assert data["summary"]["checks"]["perks-first"]["answers_flagged"] == 1
    assert "Pay or perk" in render(report, "html") and "`perks-first`" in render(report, "md")
    with pytest.raises(ConfigError, match="option perks-first.max-mentions must be a number at least 0"):
        from_mapping({"perks-first": {"max-mentions": -1}})
