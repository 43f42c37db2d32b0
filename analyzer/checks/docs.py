"""A rule's documentation, as ``interview-analyzer rules CODE`` prints it (text or JSON)."""

from __future__ import annotations

from typing import Any

from analyzer.checks.rule import Option, Rule


def rule_dict(rule: Rule) -> dict[str, Any]:
    """Everything a rule declares, JSON-ready."""
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "what": rule.what,
        "why": rule.why,
        "severity": rule.severity,
        "scope": rule.scope,
        "status": rule.status,
        "needs_audio": rule.needs_audio,
        "since": rule.since,
        "options": [_option_dict(o) for o in rule.options],
        "annotations": [vars(kind) for kind in rule.annotations],
        "metrics": {"namespace": rule.namespace, "names": {m.name: m.help for m in rule.metrics}},
        "session_metrics": {m.name: m.help for m in rule.session_metrics},
        "examples": [vars(example) for example in rule.examples],
    }


def _option_dict(option: Option) -> dict[str, Any]:
    out: dict[str, Any] = {"name": option.name, "type": option.kind, "default": option.default, "help": option.help}
    if option.kind == "number" and (option.minimum, option.maximum, option.above) != (None, None, None):
        out["range"] = option.range_text()
    if option.choices is not None:
        out["choices"] = list(option.choices)
    return out


def rule_text(rule: Rule) -> str:
    """The rule explained in full, with Ruff's headings."""
    good = rule.example_good
    bad = next((e for e in rule.examples if e.flagged), None)
    lines = [f"# {rule.name} ({rule.code})", "",
             f"Default severity: {rule.severity}. Scope: each {rule.scope}. Status: {rule.status}, since {rule.since}.",
             "", "## What it does", rule.what, "", "## Why is this bad?", rule.why, "",
             "## Example", f"'{bad.question}' - '{bad.answer}'" if bad else "Measured on recordings only.", "",
             "Use instead:" if bad else "Not flagged:", f"'{good.question}' - '{good.answer}'"]
    if rule.options:
        lines += ["", "## Options"]
        for o in rule.options:
            limits = f"; {o.range_text()}" if o.kind == "number" and o.range_text() != "a number" else ""
            choices = f"; any of {', '.join(o.choices)}" if o.choices else ""
            lines.append(f"- `{o.name}` (default {o.default!r}{limits}{choices}): {o.help}")
        lines += ["", f"Set them under [tool.interview-analyzer.{rule.code}]."]
    if rule.annotations:
        lines += ["", "## Annotations", ", ".join(kind.kind for kind in rule.annotations)]
    if rule.metrics:
        lines += ["", f"## Metrics (metrics.{rule.namespace}.*)", *(f"- `{m.name}`: {m.help}" for m in rule.metrics)]
    return "\n".join(lines)
