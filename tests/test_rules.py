"""Meta-tests of the rule registry: every rule documents itself and has a unique, stable code."""

from __future__ import annotations

import re

from analyzer.checks import CHECK_MODULES, registry, rules

STABLE_CODES = {"rambling", "filler-words", "employer-negativity", "missing-star", "low-enthusiasm"}


def test_every_listed_module_registers_one_rule():
    assert len(registry()) == len(CHECK_MODULES)


def test_rules_document_themselves():
    for code, rule in rules().items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
        for field in ("name", "summary", "what", "why", "example_bad", "example_good"):
            assert getattr(rule, field).strip(), f"{code}.{field} is empty"
        assert rule.severity in {"info", "warning", "error"}
        for option in rule.options:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", option.name), option.name
            assert option.help.strip()


def test_registered_codes_are_known_stable_codes():
    assert set(rules()) <= STABLE_CODES | {c for c, r in rules().items() if r.status == "preview"}
