"""Verdicts, span comments and notes: saved as the coach types, merged into the report, exported.

A verdict names a flag the way ``review import`` does (answer id, index in that answer's flags, code
as a check) and is checked against the session's report before it is saved; one row per reviewer
and flag, updated in place (an upsert, so concurrent saves never duplicate or lose one). The report
a reader downloads is the tool's JSON report with every reviewer's verdicts merged by
:func:`analyzer.report.review.merge_review`, the most recently active reviewer last (their verdict wins on
a flag two people judged); :func:`review_documents` gives the same verdicts as review files that
``interview-analyzer review import`` merges offline.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from analyzer.workspace.db import FlagReview, InterviewSession, SessionNote, SpanComment, User, utcnow

VERDICTS = ("agree", "disagree")
MAX_COMMENT = 10_000


class ReviewError(ValueError):
    """A review that does not fit the report (answered with 422)."""


@lru_cache(maxsize=64)
def _read_report(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_report(path: Path) -> dict[str, Any]:
    """The session's JSON report (the file is cached by modification time; each caller gets its own copy)."""
    return json.loads(_read_report(str(path), path.stat().st_mtime_ns))


def _flag(report: dict[str, Any], answer_id: str, flag_index: int | None, flag_code: str) -> tuple[int, str]:
    answer = next((a for a in report["answers"] if a["id"] == answer_id), None)
    if answer is None:
        raise ReviewError(f"the report has no answer {answer_id!r}")
    codes = [f["code"] for f in answer["flags"]]
    if flag_index is None:
        matches = [i for i, code in enumerate(codes) if code == flag_code]
        if len(matches) != 1:
            raise ReviewError(f"answer {answer_id} has {len(matches)} {flag_code!r} flags; give flag_index")
        flag_index = matches[0]
    if not 0 <= flag_index < len(codes):
        raise ReviewError(f"answer {answer_id} has no flag {flag_index}")
    if codes[flag_index] != flag_code:
        raise ReviewError(f"flag {flag_index} of answer {answer_id} is {codes[flag_index]!r}, not {flag_code!r}")
    return flag_index, flag_code


def save_verdict(db: DbSession, reviewer: User, session: InterviewSession, report: dict[str, Any], *,
                 answer_id: str, flag_code: str, verdict: str | None, comment: str = "",
                 flag_index: int | None = None) -> FlagReview:
    if verdict not in (*VERDICTS, None):
        raise ReviewError("verdict must be agree, disagree or null")
    if len(comment) > MAX_COMMENT:
        raise ReviewError(f"the comment is longer than {MAX_COMMENT} characters")
    flag_index, flag_code = _flag(report, answer_id, flag_index, flag_code)
    now = utcnow()
    values = {"session_id": session.id, "answer_id": answer_id, "flag_index": flag_index, "reviewer_id": reviewer.id,
              "flag_code": flag_code, "verdict": verdict, "comment": comment, "created_at": now, "updated_at": now}
    insert = _insert(db)(FlagReview).values(**values)
    db.execute(insert.on_conflict_do_update(
        index_elements=["session_id", "answer_id", "flag_index", "reviewer_id"],
        set_={"flag_code": flag_code, "verdict": verdict, "comment": comment, "updated_at": now}))
    db.commit()
    return db.scalar(select(FlagReview).where(FlagReview.session_id == session.id, FlagReview.answer_id == answer_id,
                                              FlagReview.flag_index == flag_index,
                                              FlagReview.reviewer_id == reviewer.id))


def _insert(db: DbSession) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def save_note(db: DbSession, author: User, session: InterviewSession, note: str) -> SessionNote:
    if len(note) > MAX_COMMENT:
        raise ReviewError(f"the note is longer than {MAX_COMMENT} characters")
    now = utcnow()
    db.execute(_insert(db)(SessionNote).values(session_id=session.id, author_id=author.id, note=note, updated_at=now)
               .on_conflict_do_update(index_elements=["session_id", "author_id"], set_={"note": note, "updated_at": now}))
    db.commit()
    return db.scalar(select(SessionNote).where(SessionNote.session_id == session.id, SessionNote.author_id == author.id))


def add_span_comment(db: DbSession, author: User, session: InterviewSession, report: dict[str, Any], *,
                     answer_id: str, start: int, end: int, comment: str) -> SpanComment:
    answer = next((a for a in report["answers"] if a["id"] == answer_id), None)
    if answer is None:
        raise ReviewError(f"the report has no answer {answer_id!r}")
    text = answer["answer"]["text"]
    if not 0 <= start < end <= len(text):
        raise ReviewError(f"characters {start}-{end} are not inside answer {answer_id} (0-{len(text)})")
    if not comment.strip() or len(comment) > MAX_COMMENT:
        raise ReviewError(f"a comment needs 1 to {MAX_COMMENT} characters")
    row = SpanComment(session_id=session.id, answer_id=answer_id, start=start, end=end, quote=text[start:end],
                      comment=comment, author_id=author.id)
    db.add(row)
    db.commit()
    return row


def flag_reviews(db: DbSession, session: InterviewSession) -> list[tuple[FlagReview, str]]:
    """(verdict row, reviewer email), oldest change first."""
    return list(db.execute(select(FlagReview, User.email).join(User, User.id == FlagReview.reviewer_id)
                           .where(FlagReview.session_id == session.id).order_by(FlagReview.updated_at, FlagReview.id)))


def span_comments(db: DbSession, session: InterviewSession) -> list[tuple[SpanComment, str]]:
    return list(db.execute(select(SpanComment, User.email).join(User, User.id == SpanComment.author_id)
                           .where(SpanComment.session_id == session.id).order_by(SpanComment.id)))


def notes(db: DbSession, session: InterviewSession) -> list[tuple[SessionNote, str]]:
    return list(db.execute(select(SessionNote, User.email).join(User, User.id == SessionNote.author_id)
                           .where(SessionNote.session_id == session.id).order_by(SessionNote.updated_at)))


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


def review_documents(db: DbSession, session: InterviewSession, report: dict[str, Any]) -> list[dict[str, Any]]:
    """One review document per reviewer (``analyzer/report/schema/review.schema.json``), the most recently
    active last, without empty verdicts (no verdict, no comment)."""
    by_reviewer: dict[str, list[FlagReview]] = defaultdict(list)
    for row, email in flag_reviews(db, session):
        if row.verdict or row.comment.strip():
            by_reviewer[email].append(row)
    docs = []
    for email, rows in sorted(by_reviewer.items(), key=lambda item: max(r.updated_at for r in item[1])):
        rows.sort(key=lambda r: (r.answer_id, r.flag_index))
        docs.append({
            "review_version": 1,
            "report": {"input_path": report["input"].get("path"), "input_sha256": report["input"].get("sha256"),
                       "tool_version": report["tool"]["version"]},
            "reviewer": email,
            "exported_at": _iso(max(r.updated_at for r in rows)),
            "verdicts": [{"answer_id": r.answer_id, "code": r.flag_code, "flag_index": r.flag_index,
                          "verdict": r.verdict, **({"comment": r.comment} if r.comment else {})} for r in rows],
        })
    return docs


def merged_report(db: DbSession, session: InterviewSession, report: dict[str, Any]) -> dict[str, Any]:
    """The report with every reviewer's verdicts merged in as ``review import`` would."""
    from analyzer.report.review import merge_review

    for doc in review_documents(db, session, report):
        report = merge_review(report, doc)
    return report


def reviews_csv(db: DbSession, sessions: list[InterviewSession]) -> str:
    """Every verdict, span comment and note on ``sessions``, one row each."""
    ids = [s.id for s in sessions]
    by_id = {s.id: s for s in sessions}
    candidates = {u.id: u.email for u in db.scalars(select(User).where(User.id.in_({s.candidate_id for s in sessions})))}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["session_id", "session", "candidate", "kind", "answer_id", "flag_index", "flag_code",
                     "start", "end", "quote", "verdict", "comment", "reviewer", "updated_at"])

    def prefix(session_id: int) -> list[Any]:
        s = by_id[session_id]
        return [s.id, _cell(s.title), candidates.get(s.candidate_id, "")]

    if not ids:
        return out.getvalue()
    for row, email in db.execute(select(FlagReview, User.email).join(User, User.id == FlagReview.reviewer_id)
                                 .where(FlagReview.session_id.in_(ids)).order_by(FlagReview.session_id, FlagReview.id)):
        writer.writerow([*prefix(row.session_id), "flag", row.answer_id, row.flag_index, row.flag_code, "", "", "",
                         row.verdict or "", _cell(row.comment), email, _iso(row.updated_at)])
    for row, email in db.execute(select(SpanComment, User.email).join(User, User.id == SpanComment.author_id)
                                 .where(SpanComment.session_id.in_(ids)).order_by(SpanComment.session_id, SpanComment.id)):
        writer.writerow([*prefix(row.session_id), "span", row.answer_id, "", "", row.start, row.end, _cell(row.quote),
                         "", _cell(row.comment), email, _iso(row.updated_at)])
    for row, email in db.execute(select(SessionNote, User.email).join(User, User.id == SessionNote.author_id)
                                 .where(SessionNote.session_id.in_(ids)).order_by(SessionNote.session_id, SessionNote.id)):
        writer.writerow([*prefix(row.session_id), "note", "", "", "", "", "", "", "", _cell(row.note), email,
                         _iso(row.updated_at)])
    return out.getvalue()


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def agreement(db: DbSession) -> list[dict[str, Any]]:
    """Per rule: verdicts given, how many agreed, and the share (for tuning thresholds on real verdicts)."""
    rows = db.execute(select(FlagReview.flag_code, FlagReview.verdict, func.count())
                      .where(FlagReview.verdict.in_(VERDICTS)).group_by(FlagReview.flag_code, FlagReview.verdict))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"agree": 0, "disagree": 0})
    for code, verdict, n in rows:
        counts[code][verdict] += n
    return [{"code": code, "verdicts": c["agree"] + c["disagree"], "agree": c["agree"], "disagree": c["disagree"],
             "agree_share": round(c["agree"] / (c["agree"] + c["disagree"]), 3)}
            for code, c in sorted(counts.items())]


def waiting_for_review(db: DbSession, sessions: list[InterviewSession]) -> list[InterviewSession]:
    """Analysed sessions with flags and no verdict yet."""
    reviewed = set(db.scalars(select(FlagReview.session_id).where(FlagReview.session_id.in_([s.id for s in sessions]))
                              .distinct())) if sessions else set()
    return [s for s in sessions if s.status == "done" and (s.flags_total or 0) > 0 and s.id not in reviewed]
