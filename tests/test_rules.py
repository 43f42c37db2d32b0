"""Meta-tests of the rule registry: every rule documents itself and has a unique, stable code."""

from __future__ import annotations

import re

import pytest

from analyzer.checks import CHECK_MODULES, registry, rules

STABLE_CODES = {"rambling", "filler-words", "employer-negativity", "missing-star", "low-enthusiasm",
                "unprepared", "no-questions", "non-answer", "audio-quality"}


def test_every_listed_module_registers_one_rule():
    assert len(registry()) == len(CHECK_MODULES)


def test_rules_document_themselves():
    for code, rule in rules().items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
        for field in ("name", "summary", "what", "why"):
            assert getattr(rule, field).strip(), f"{code}.{field} is empty"
        assert rule.severity in {"info", "warning", "error"}
        for option in rule.options:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", option.name), option.name
            assert option.help.strip()


def test_registered_codes_are_known_stable_codes():
    assert set(rules()) <= STABLE_CODES | {c for c, r in rules().items() if r.status == "preview"}


# ------------------------------------------------------------------ every rule's example rows, run


def _example_ids() -> list[tuple[str, int]]:
    return [(code, i) for code, rule in rules().items() for i in range(len(rule.examples))]


@pytest.mark.parametrize("code, index", _example_ids(), ids=lambda v: str(v))
def test_every_example_row_is_flagged_as_it_says(code: str, index: int):
    """proselint-style: each rule's examples go through the whole pipeline with only that rule on."""
    from analyzer.config import Config
    from analyzer.pipeline import Analyzer
    from analyzer.readers.text import parse_text

    rule = rules()[code]
    example = rule.examples[index]
    report = Analyzer(Config(select=[code])).analyze_transcript(parse_text(example.as_transcript()))
    flags = [f for a in report.answers for f in a.flags] + report.flags
    assert bool([f for f in flags if f.code == code]) == example.flagged, (example, flags)
    # what it wrote is what it declares: metrics under its namespace, annotation kinds it styles
    declared = {m.name for m in rule.metrics}
    for metrics in [*(a.metrics for a in report.answers), report.metrics]:
        assert set(metrics) <= {rule.namespace}
        assert set(metrics.get(rule.namespace, {})) <= declared
    kinds = {k.kind for k in rule.annotations} | {"pause"}
    assert {x.kind for a in report.answers for x in a.annotations} <= kinds


def test_every_rule_has_a_flagged_and_a_clean_example():
    for code, rule in rules().items():
        assert any(e.flagged for e in rule.examples) or rule.needs_audio, code
        assert any(not e.flagged for e in rule.examples), code


def test_namespaces_metrics_and_kinds_are_unique():
    namespaces = [r.namespace for r in rules().values() if r.namespace]
    assert len(namespaces) == len(set(namespaces))
    kinds = [k.kind for r in rules().values() for k in r.annotations]
    assert len(kinds) == len(set(kinds))
    for code, rule in rules().items():
        assert rule.namespace or not rule.metrics, code
        assert len({m.name for m in rule.metrics}) == len(rule.metrics), code
        assert all(m.help.strip() for m in rule.metrics), code


def test_option_defaults_pass_their_own_validation():
    for code, rule in rules().items():
        assert rule.validate_options(rule.defaults()) == rule.defaults(), code


# ------------------------------------------------------------------ a rule about the whole session


@pytest.fixture
def session_rule(monkeypatch: pytest.MonkeyPatch):
    """A made-up session rule, registered the way a module in analyzer/checks/ is."""
    import sys
    import types

    from analyzer import checks
    from analyzer.checks.context import Findings, SessionContext
    from analyzer.checks.rule import Example, Metric, Rule, flag
    from analyzer.datamodel import Span

    rule = Rule(code="session-probe", name="Session probe", summary="Flags a session whose last answer is short",
                what="Counts the answers.", why="To test that a rule about the session fits.",
                examples=(Example("Yes.", "Any questions?", flagged=True),), scope="session",
                namespace="probe", metrics=(Metric("answers", "Answers in the session."),))

    def check(session: SessionContext, opts: dict) -> Findings:
        last = session.answers[-1]
        found = Findings(metrics={"answers": len(session.answers)})
        if len(last.answer.text.split()) < 3:
            found.flags.append(flag(rule, "The session ends on a short answer.", "Say more.",
                                    evidence=[Span(0, len(last.answer.text), last.answer.text, answer_id=last.id),
                                              Span(0, 0, "", note="the end", start_s=1.0, end_s=2.5)]))
        return found

    module = types.ModuleType("analyzer.checks.session_probe")
    module.RULE, module.check = rule, check
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(checks, "CHECK_MODULES", (*checks.CHECK_MODULES, "session_probe"))
    checks.registry.cache_clear()
    yield rule
    checks.registry.cache_clear()


def test_a_session_rule_flags_the_session_in_every_format(session_rule):
    import json

    import jsonschema

    from analyzer import analyze, render
    from analyzer.resources import schema_file

    report = analyze("Interviewer: Why this role?\nCandidate: I love building tools for teachers.\n"
                     "Interviewer: Anything else?\nCandidate: No.\n")
    assert [f.code for f in report.flags] == ["session-probe"] and report.metrics == {"probe": {"answers": 2}}
    assert not [f for a in report.answers for f in a.flags if f.code == "session-probe"]
    assert report.summary["checks"]["session-probe"] == {"scope": "session", "flagged": True, "pass_rate": 0.0}
    assert report.summary["flags"]["session-probe"] == 1
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, json.loads(schema_file().read_text()))
    assert data["flags"][0]["evidence"] == [{"start": 0, "end": 3, "text": "No.", "answer_id": "q2"},
                                            {"start": 0, "end": 0, "text": "", "note": "the end",
                                             "start_s": 1.0, "end_s": 2.5}]
    markdown = render(report, "md")
    assert "| `session-probe` | the session: flagged | – |" in markdown
    assert "## The whole session" in markdown and "  - evidence: 0:01–0:02 (the end)" in markdown
    html = render(report, "html")
    assert "About the whole session" in html and "The session ends on a short answer." in html


def test_lookups_of_a_rule_name_what_is_missing_instead_of_stopping_an_iteration():
    from dataclasses import replace

    from analyzer.checks import star

    with pytest.raises(KeyError, match="no option 'colour'"):
        star.RULE.option("colour")
    assert star.RULE.option("required-parts").name == "required-parts"
    only_good = replace(star.RULE, examples=tuple(e for e in star.RULE.examples if not e.flagged))
    with pytest.raises(LookupError, match="no flagged example"):
        only_good.example_bad
    assert only_good.example_good.flagged is False
