"""Markdown report: a summary, then one section per answer with flags and quoted evidence."""

from __future__ import annotations

from analyzer.datamodel import Answer, Flag, Report
from analyzer.report.strengths import session_strengths, strengths_of

NO_QUESTION = "(no question recorded)"


def _time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m:d}:{s:02d}"


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md_escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _flat_metrics(metrics: dict, prefix: str = "", depth: int = 0) -> dict[str, object]:
    """Scalar metrics, nested ones as ``parent.child`` (two levels deep at most)."""
    out: dict[str, object] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float, str)):
            out[name] = value
        elif isinstance(value, dict) and depth < 1:
            out.update(_flat_metrics(value, f"{name}.", depth + 1))
    return out


def _flag_lines(flags: list[Flag]) -> list[str]:
    lines: list[str] = []
    for f in flags:
        measured = ""
        if f.value is not None and f.threshold is not None:
            measured = f" (measured {f.measure or 'value'} {f.value:g} vs threshold {f.threshold:g})"
        lines.append(f"- **{f.severity.upper()} `{f.code}`** — {_md_escape(f.message)}{measured}")
        for ev in f.evidence[:8]:
            note = f" ({ev.note})" if ev.note else ""
            where = [f"{_time(ev.start_s)}–{_time(ev.end_s)}"] if ev.start_s is not None else []
            where += [f"in {ev.answer_id}"] if ev.answer_id else []
            quoted = [f"“{_md_escape(_quote(ev.text, 120))}”"] if ev.text or not where else []
            lines.append(f"  - evidence: {' '.join(where + quoted)}{note}")
        if len(f.evidence) > 8:
            lines.append(f"  - … and {len(f.evidence) - 8} more (all are in the JSON and HTML reports)")
        lines.append(f"  - suggestion: {_md_escape(f.suggestion)}")
    return lines


def _answer_section(a: Answer) -> list[str]:
    when = f" ({_time(a.answer.start_s)}–{_time(a.answer.end_s)})" if a.answer.start_s is not None else ""
    follow = f" — follow-up to {a.follow_up_of}" if a.follow_up_of else ""
    lines = [f"## {a.id}. {_md_escape(_quote(a.question.text) or NO_QUESTION)}", "",
             f"*{a.question_kind} question{follow}{when}*", ""]
    lines += ["> " + _md_escape(para) for para in a.answer.text.splitlines() or [""]]
    lines.append("")
    if a.interjections:
        said = ", ".join(
            f"“{_md_escape(_quote(u.text, 80))}”" + (f" ({_time(u.start_s)})" if u.start_s is not None else "")
            for u in a.interjections
        )
        lines += [f"*Interviewer meanwhile: {said}*", ""]
    if a.flags:
        lines += _flag_lines(a.flags)
    else:
        lines.append("No flags for this answer.")
    strengths = strengths_of(a)
    if strengths:
        lines += ["", "What went well:"] + [f"- **{s['label']}** — {_md_escape(s['detail'])}" for s in strengths]
    kinds: dict[str, int] = {}
    for ann in a.annotations:
        kinds[ann.kind] = kinds.get(ann.kind, 0) + 1
    if kinds:
        lines += ["", "Highlights: " + ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))]
    simple = _flat_metrics(a.metrics)
    if simple:
        lines += ["", "<details><summary>Metrics</summary>", "",
                  "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {v:g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in simple.items()]
        lines += ["", "</details>"]
    return lines + [""]


def render_markdown(report: Report) -> str:
    s = report.summary
    title = report.input.get("path") or "transcript"
    lines = [f"# Interview analysis: {_md_escape(str(title))}", ""]
    roles = ", ".join(f"{name} ({role})" for name, role in report.speakers.items())
    lines += [f"Speakers: {_md_escape(roles)}", ""]
    lines += [f"> Note: {_md_escape(note)}" for note in report.notes] + ([""] if report.notes else [])
    if s.get("score") is not None:
        lines.append(f"**Score: {s['score']}/100** — the average share of answers that pass each check, "
                     "counting only the answers in the check's scope.")
        lines.append("")
    lines += ["| check | answers flagged | out of the check's scope |", "|---|---|---|"]
    for code, c in s.get("checks", {}).items():
        if c.get("scope") == "session":
            verdict = "out of its scope" if c["pass_rate"] is None else "flagged" if c["flagged"] else "passed"
            lines.append(f"| `{code}` | the session: {verdict} | – |")
        else:
            lines.append(f"| `{code}` | {c['answers_flagged']} of {c['answers_checked']} | "
                         f"{c.get('answers_out_of_scope', 0)} |")
    lines.append("")
    strengths = session_strengths({"metrics": report.metrics})
    if report.flags or strengths:
        lines += ["## The whole session", ""]
        lines += _flag_lines(report.flags)
        lines += [f"- **Strength: {s['label']}** — {_md_escape(s['detail'])}" for s in strengths]
        lines.append("")
    for a in report.answers:
        lines += _answer_section(a)
    if report.small_talk:
        lines += ["## Small talk (not scored)", ""]
        lines += [f"- {_md_escape(u.speaker)}: {_md_escape(_quote(u.text))}" for u in report.small_talk]
        lines.append("")
    lines.append(f"*Generated by interview-analyzer {report.tool.get('version', '')}.*")
    return "\n".join(lines) + "\n"
