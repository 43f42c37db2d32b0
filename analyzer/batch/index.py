"""The batch's ``index.html``: every session with its numbers and report, and each candidate's trends."""

from __future__ import annotations

from typing import Any

from analyzer.batch.charts import candidate_trends
from analyzer.batch.metrics import metric_columns


def _report_link(reports: dict[str, str]) -> str | None:
    from urllib.parse import quote

    for fmt in ("html", "md", "json", *sorted(reports)):
        if fmt in reports:
            return quote(reports[fmt])
    return None


def render_index(payload: dict[str, Any]) -> str:
    """The self-contained ``index.html`` (Jinja2, autoescaped; no external resources)."""
    import jinja2

    from analyzer.report.html import TEMPLATE_DIR

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    rows = [{**row, "link": _report_link(row["reports"])} for row in payload["rows"]]
    return env.get_template("batch_index.html.j2").render(
        summary=payload, rows=rows, trends=candidate_trends(payload["rows"]), metric_titles=metric_columns())
