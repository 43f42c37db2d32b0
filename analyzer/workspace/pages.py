"""The HTML pages: login, dashboards, a candidate's sessions and trends, the session page (the
annotated report with its audio and the review), uploads and exports.

Forms carry the login's CSRF token (``csrf_token``); the login form a double-submit cookie.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from analyzer.workspace import auth, reviews
from analyzer.workspace.api import create_session, csv_response, done_report, review_payload, set_login_cookie
from analyzer.workspace.app import (PAGE_CSP, LoginRequired, NotFound, client_address, current_user, get_db, script_hash,
                                    workspace_of)
from analyzer.workspace.db import InterviewSession, User
from analyzer.workspace.jobs import report_file
from analyzer.workspace.uploads import sessions_dir

router = APIRouter(include_in_schema=False)


def page_user(request: Request, db: DbSession = Depends(get_db)) -> auth.Current:
    found = current_user(request, db)
    if found is None:
        raise LoginRequired()
    return found


def check_form_csrf(me: auth.Current, token: str) -> None:
    if not auth.same_token(me.csrf_token, token):
        raise HTTPException(403, "the form is out of date or not from this site; reload the page and try again")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or urlsplit(target).netloc:
        return "/"
    return target


# --------------------------------------------------------------------------- login


@router.get("/login")
def login_form(request: Request, next: str = "/", error: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = workspace_of(request).render("login.html.j2", user=None, csrf=token, next=_safe_next(next), error=error,
                                            title="Log in")
    response.set_cookie(auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=workspace_of(request).settings.secure_cookies)
    return response


@router.post("/login")
def login_submit(request: Request, email: str = Form(..., max_length=254), password: str = Form(..., max_length=1024),
                 csrf_token: str = Form(""), next: str = Form("/"), db: DbSession = Depends(get_db)) -> Response:
    ws = workspace_of(request)
    if not auth.same_token(request.cookies.get(auth.LOGIN_CSRF_COOKIE), csrf_token):
        raise HTTPException(403, "the login form is out of date; reload it and try again")
    address = client_address(request)
    if ws.limiter.blocked(email, address):
        response = login_form(request, next, "Too many failed logins. Wait a minute and try again.")
        response.status_code = 429
        response.headers["Retry-After"] = str(ws.limiter.retry_after(email, address))
        return response
    user = auth.authenticate(db, email, password)
    if user is None:
        ws.limiter.failed(email, address)
        response = login_form(request, next, "Wrong email or password.")
        response.status_code = 401
        return response
    auth.end_login(db, request.cookies.get(auth.COOKIE))
    token, _ = auth.start_login(db, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_login_cookie(response, token, ws.settings.secure_cookies)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), me: auth.Current = Depends(page_user),
           db: DbSession = Depends(get_db)) -> Response:
    check_form_csrf(me, csrf_token)
    auth.end_login(db, request.cookies.get(auth.COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


# --------------------------------------------------------------------------- dashboards


@router.get("/")
def home(me: auth.Current = Depends(page_user)) -> Response:
    if me.user.role == "candidate":
        return RedirectResponse(f"/candidates/{me.user.id}", status_code=303)
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/dashboard")
def dashboard(request: Request, me: auth.Current = Depends(page_user), db: DbSession = Depends(get_db)) -> Response:
    if me.user.role == "candidate":
        return RedirectResponse(f"/candidates/{me.user.id}", status_code=303)
    sessions = list(db.scalars(auth.visible_sessions(me.user).order_by(InterviewSession.id.desc())))
    candidates = auth.visible_candidates(db, me.user)
    by_candidate: dict[int, list[InterviewSession]] = {}
    for s in sessions:
        by_candidate.setdefault(s.candidate_id, []).append(s)
    rows = [{"user": c, "sessions": len(by_candidate.get(c.id, [])),
             "latest": next(iter(by_candidate.get(c.id, [])), None)} for c in candidates]
    emails = {u.id: u.email for u in db.scalars(select(User))}
    admin: dict[str, Any] = {}
    if me.user.role == "admin":
        users = list(db.scalars(select(User).order_by(User.role, User.email)))
        admin = {"users": users, "coaches": [u for u in users if u.role == "coach"], "agreement": reviews.agreement(db)}
    return workspace_of(request).render(
        "dashboard.html.j2", user=me.user, csrf=me.csrf_token, title="Dashboard", candidates=rows,
        latest=sessions[:15], waiting=reviews.waiting_for_review(db, sessions), emails=emails, admin=admin)


@router.post("/admin/assign")
def assign(request: Request, candidate: str = Form(...), coach: str = Form(""), csrf_token: str = Form(""),
           me: auth.Current = Depends(page_user), db: DbSession = Depends(get_db)) -> Response:
    if me.user.role != "admin":
        raise NotFound()
    check_form_csrf(me, csrf_token)
    try:
        auth.assign_coach(db, candidate, coach or None)
    except auth.AccountError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse("/dashboard#users", status_code=303)


@router.get("/candidates/{candidate_id}")
def candidate_page(candidate_id: int, request: Request, me: auth.Current = Depends(page_user),
                   db: DbSession = Depends(get_db)) -> Response:
    from analyzer.batch.charts import candidate_trends, trend_metrics

    candidate = auth.find_candidate(db, me.user, candidate_id)
    if candidate is None:
        raise NotFound()
    sessions = list(db.scalars(select(InterviewSession).where(InterviewSession.candidate_id == candidate.id)
                               .order_by(InterviewSession.created_at, InterviewSession.id)))
    rows = [{"candidate": candidate.email, "status": "ok" if s.status == "done" else "failed",
             "date": s.created_at.strftime("%Y-%m-%d"), "session": f"#{s.id:06d} {s.title}",
             **dict.fromkeys(trend_metrics()), **{k: v for k, v in (s.metrics or {}).items() if k != "flags"}}
            for s in sessions]
    trends = candidate_trends(rows)
    codes = sorted({code for s in sessions for code in ((s.metrics or {}).get("flags") or {})})
    coach = db.get(User, candidate.coach_id) if candidate.coach_id else None
    return workspace_of(request).render(
        "candidate.html.j2", user=me.user, csrf=me.csrf_token, title=candidate.email, candidate=candidate,
        coach=coach, sessions=list(reversed(sessions)), codes=codes, trend=trends[0] if trends else None,
        max_upload_mb=workspace_of(request).settings.max_upload_mb)


# --------------------------------------------------------------------------- sessions


@router.post("/sessions")
def upload_form(request: Request, file: UploadFile = File(...), candidate: str = Form(""), csrf_token: str = Form(""),
                me: auth.Current = Depends(page_user), db: DbSession = Depends(get_db)) -> Response:
    check_form_csrf(me, csrf_token)
    session = create_session(request, db, me.user, file, candidate or None)
    return RedirectResponse(f"/sessions/{session.id}", status_code=303)


@router.get("/sessions/{session_id}")
def session_page(session_id: int, request: Request, me: auth.Current = Depends(page_user),
                 db: DbSession = Depends(get_db)) -> Response:
    ws = workspace_of(request)
    session = auth.find_session(db, me.user, session_id)
    if session is None:
        raise NotFound()
    candidate = db.get(User, session.candidate_id)
    if session.status != "done":
        return ws.render("status.html.j2", user=me.user, csrf=me.csrf_token, title=session.title, session=session,
                         candidate=candidate)
    reviewer = auth.can_review(me.user)
    page, anchors, flag_count = _report_page(ws, session, report_file(ws.data_dir, session))
    payload = review_payload(db, session)
    parts = ws.templates.get_template("_session_parts.html.j2").module
    own_note = next((n["note"] for n in payload["notes"] if n["author"] == me.user.email), "")
    slots = {
        "bar": str(parts.bar(session, candidate, me.user, me.csrf_token, reviewer, flag_count)),
        "notes": str(parts.notes(payload["notes"], me.user, reviewer, own_note)),
        "data": htmlsafe_json_dumps({"session": session.id, "csrf": me.csrf_token, "reviewer": reviewer,
                                     "me": me.user.email, **payload}),
        **{f"comments-{anchor}": str(parts.comments(answer_id, payload["comments"], reviewer))
           for anchor, answer_id in anchors.items()},
    }
    html = _SLOT.sub(lambda m: slots.get(m.group(1), ""), page)
    response = HTMLResponse(html)
    response.headers["content-security-policy"] = PAGE_CSP.format(extra=f" '{_report_script()[1]}'")
    return response


_SLOT_TOKEN = secrets.token_hex(8)
_SLOT = re.compile(f"<!--ws-{_SLOT_TOKEN}-([a-z0-9-]+)-->")
_PAGES: OrderedDict[tuple[Any, ...], tuple[str, dict[str, str], int]] = OrderedDict()
_PAGES_LOCK = threading.Lock()


def _report_page(ws: Any, session: InterviewSession, path: Path) -> tuple[str, dict[str, str], int]:
    """The session's report page without its per-viewer parts (cached per report file), the answers'
    anchors (slot names) with their ids, and the number of flags. Verdicts are put on the flags by
    /static/workspace.js from the review data, so one rendering serves every viewer."""
    from analyzer.report.html import TEMPLATE_DIR
    from analyzer.report.html.page import page_model

    key = (session.id, str(path), path.stat().st_mtime_ns, session.title, session.is_audio)
    with _PAGES_LOCK:
        if key in _PAGES:
            _PAGES.move_to_end(key)
            return _PAGES[key]
    model = page_model(reviews.load_report(path), audio_src=f"/sessions/{session.id}/audio" if session.is_audio else None,
                       rules=_rules())
    model["title"] = session.title
    script, _ = _report_script()
    html = ws.templates.get_template("session.html.j2").render(
        **model, script=script, script_hash="", css=(TEMPLATE_DIR / "report.css").read_text(encoding="utf-8"),
        slot=lambda name: Markup(f"<!--ws-{_SLOT_TOKEN}-{name}-->"))
    entry = (html, {a["anchor"]: a["id"] for a in model["answers"]}, model["flag_count"])
    with _PAGES_LOCK:
        _PAGES[key] = entry
        while len(_PAGES) > 32:
            _PAGES.popitem(last=False)
    return entry


@lru_cache(maxsize=1)
def _report_script() -> tuple[str, str]:
    """The report page's own script and its CSP hash."""
    from analyzer.report.html import TEMPLATE_DIR

    script = (TEMPLATE_DIR / "report.js").read_text(encoding="utf-8")
    return script, script_hash(script)


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    from analyzer.report.html.page import rule_docs

    return rule_docs()


@router.get("/sessions/{session_id}/audio")
def session_audio(session_id: int, request: Request, me: auth.Current = Depends(page_user),
                  db: DbSession = Depends(get_db)) -> Response:
    session = auth.find_session(db, me.user, session_id)
    if session is None or not session.is_audio:
        raise NotFound()
    path = sessions_dir(workspace_of(request).data_dir) / session.folder / session.input_name
    return FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/sessions/{session_id}/report.json")
def report_download(session_id: int, request: Request, me: auth.Current = Depends(page_user),
                    db: DbSession = Depends(get_db)) -> Response:
    session = auth.find_session(db, me.user, session_id)
    if session is None:
        raise NotFound()
    report = reviews.merged_report(db, session, done_report(request, session))
    return Response(json.dumps(report, indent=2, ensure_ascii=False) + "\n", media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.json"'})


@router.get("/sessions/{session_id}/review.json")
def review_download(session_id: int, request: Request, me: auth.Current = Depends(page_user),
                    db: DbSession = Depends(get_db)) -> Response:
    """Your review (else the latest reviewer's) as a file for ``interview-analyzer review import``."""
    session = auth.find_session(db, me.user, session_id)
    if session is None:
        raise NotFound()
    docs = reviews.review_documents(db, session, done_report(request, session))
    doc = next((d for d in docs if d["reviewer"] == me.user.email), docs[-1] if docs else None)
    if doc is None:
        raise HTTPException(409, "nobody has reviewed this session yet")
    return Response(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.review.json"'})


@router.get("/export/reviews.csv")
def export_csv(me: auth.Current = Depends(page_user), db: DbSession = Depends(get_db)) -> Response:
    return csv_response(db, me.user)
