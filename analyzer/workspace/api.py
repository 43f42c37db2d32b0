"""The JSON API (``/api``): log in, list and upload sessions, read reports, save reviews.

Without a login every call answers 401; a session the caller may not see answers 404. POST and PUT
need the login's CSRF token in the ``X-CSRF-Token`` header (``POST /api/login`` returns it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Request, Response, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from analyzer.workspace import auth, reviews
from analyzer.workspace.app import NotFound, client_address, current_user, get_db, workspace_of
from analyzer.workspace.db import InterviewSession, User
from analyzer.workspace.jobs import report_file
from analyzer.workspace.uploads import UploadError, store_upload

router = APIRouter(prefix="/api", tags=["api"])


class Credentials(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class VerdictIn(BaseModel):
    answer_id: str = Field(max_length=64)
    flag_code: str = Field(max_length=64)
    verdict: Literal["agree", "disagree"] | None
    comment: str = Field("", max_length=reviews.MAX_COMMENT)
    flag_index: int | None = Field(None, ge=0, description="Index in the answer's flags; needed only when the "
                                                           "answer has two flags of the same code.")


class SpanCommentIn(BaseModel):
    answer_id: str = Field(max_length=64)
    start: int = Field(ge=0, description="First character in the answer's text")
    end: int = Field(gt=0, description="One past the last character")
    comment: str = Field(min_length=1, max_length=reviews.MAX_COMMENT)


class NoteIn(BaseModel):
    note: str = Field(max_length=reviews.MAX_COMMENT)


class SessionOut(BaseModel):
    id: int
    title: str
    candidate: str
    status: Literal["queued", "running", "done", "failed"]
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    score: float | None
    flags_total: int | None
    flags: dict[str, int] | None = Field(description="Flags per check (when done)")


def api_user(request: Request, db: DbSession = Depends(get_db)) -> auth.Current:
    found = current_user(request, db)
    if found is None:
        raise HTTPException(401, "log in first (POST /api/login)", headers={"WWW-Authenticate": "Cookie"})
    return found


def csrf_checked(me: auth.Current = Depends(api_user),
                 x_csrf_token: str | None = Header(None, description="The token POST /api/login returned")) -> auth.Current:
    if not auth.same_token(me.csrf_token, x_csrf_token):
        raise HTTPException(403, "missing or wrong X-CSRF-Token header")
    return me


def reviewer_checked(me: auth.Current = Depends(csrf_checked)) -> auth.Current:
    if not auth.can_review(me.user):
        raise HTTPException(403, "only coaches and admins review")
    return me


def session_out(db: DbSession, s: InterviewSession) -> dict[str, Any]:
    candidate = db.get(User, s.candidate_id)
    return {"id": s.id, "title": s.title, "candidate": candidate.email if candidate else "", "status": s.status,
            "error": s.error, "created_at": s.created_at, "finished_at": s.finished_at, "score": s.score,
            "flags_total": s.flags_total, "flags": (s.metrics or {}).get("flags") if s.status == "done" else None}


def visible_session(db: DbSession, me: auth.Current, session_id: int) -> InterviewSession:
    found = auth.find_session(db, me.user, session_id)
    if found is None:
        raise NotFound()
    return found


def done_report(request: Request, session: InterviewSession) -> dict[str, Any]:
    if session.status != "done":
        raise HTTPException(409, f"the analysis is {session.status}" + (f": {session.error}" if session.error else ""))
    return reviews.load_report(report_file(workspace_of(request).data_dir, session))


@router.post("/login", summary="Log in: sets the session cookie, returns the CSRF token",
             responses={401: {"description": "Wrong email or password"}, 429: {"description": "Too many failures"}})
def login(body: Credentials, request: Request, response: Response, db: DbSession = Depends(get_db)) -> dict[str, Any]:
    ws = workspace_of(request)
    address = client_address(request)
    if ws.limiter.blocked(body.email, address):
        retry = ws.limiter.retry_after(body.email, address)
        raise HTTPException(429, "too many failed logins; try again later", headers={"Retry-After": str(retry)})
    user = auth.authenticate(db, body.email, body.password)
    if user is None:
        ws.limiter.failed(body.email, address)
        raise HTTPException(401, "wrong email or password")
    auth.end_login(db, request.cookies.get(auth.COOKIE))
    token, csrf = auth.start_login(db, user)
    set_login_cookie(response, token, ws.settings.secure_cookies)
    return {"email": user.email, "role": user.role, "csrf_token": csrf}


def set_login_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(auth.COOKIE, token, max_age=auth.LOGIN_DAYS * 86400, httponly=True, samesite="lax",
                        secure=secure, path="/")


@router.post("/logout", summary="End this login", status_code=204)
def logout(request: Request, me: auth.Current = Depends(csrf_checked), db: DbSession = Depends(get_db)) -> Response:
    auth.end_login(db, request.cookies.get(auth.COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/me", summary="Who is logged in, and the CSRF token")
def me_(me: auth.Current = Depends(api_user)) -> dict[str, Any]:
    return {"email": me.user.email, "role": me.user.role, "csrf_token": me.csrf_token}


@router.get("/sessions", summary="The sessions you may see, newest first", response_model=list[SessionOut])
def list_sessions(me: auth.Current = Depends(api_user), db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    rows = db.scalars(auth.visible_sessions(me.user).order_by(InterviewSession.id.desc()))
    return [session_out(db, s) for s in rows]


@router.post("/sessions", summary="Upload a recording or transcript for analysis", status_code=201,
             response_model=SessionOut,
             responses={413: {"description": "Too large"}, 415: {"description": "Not a recording or transcript"}})
def upload(request: Request, file: UploadFile = File(..., description="The recording or transcript"),
           candidate: str | None = Form(None, description="The candidate's email (coaches and admins; a "
                                                           "candidate's upload is always their own)"),
           me: auth.Current = Depends(csrf_checked), db: DbSession = Depends(get_db)) -> JSONResponse:
    session = create_session(request, db, me.user, file, candidate)
    return JSONResponse(jsonable(session_out(db, session)), status_code=201)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(data)


def create_session(request: Request, db: DbSession, user: User, file: UploadFile, candidate_email: str | None) -> InterviewSession:
    """Store the upload and queue its analysis (shared by the API and the upload form)."""
    if user.role == "candidate":
        owner = user
    else:
        if not candidate_email:
            raise HTTPException(422, "name the candidate (their email)")
        owner = db.scalar(select(User).where(User.email == auth.normalise_email(candidate_email)))
        if owner is None or auth.find_candidate(db, user, owner.id) is None:
            raise NotFound()
    ws = workspace_of(request)
    try:
        stored = store_upload(file.file, file.filename, ws.data_dir, ws.max_upload_bytes)
    except UploadError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    session = InterviewSession(candidate_id=owner.id, uploaded_by_id=user.id, title=stored.title, folder=stored.folder,
                               input_name=stored.input_name, is_audio=stored.is_audio, status="queued")
    db.add(session)
    db.commit()
    ws.jobs.wake()
    return session


@router.get("/sessions/{session_id}", summary="A session and the status of its analysis", response_model=SessionOut)
def get_session(session_id: int, me: auth.Current = Depends(api_user), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    return session_out(db, visible_session(db, me, session_id))


@router.get("/sessions/{session_id}/report", summary="The JSON report with the reviews merged (review import format)",
            responses={409: {"description": "Not analysed (yet)"}})
def get_report(session_id: int, request: Request, me: auth.Current = Depends(api_user),
               db: DbSession = Depends(get_db)) -> dict[str, Any]:
    session = visible_session(db, me, session_id)
    return reviews.merged_report(db, session, done_report(request, session))


@router.get("/sessions/{session_id}/reviews", summary="Every verdict, span comment and note on a session")
def get_reviews(session_id: int, me: auth.Current = Depends(api_user), db: DbSession = Depends(get_db)) -> dict[str, Any]:
    session = visible_session(db, me, session_id)
    return review_payload(db, session)


def review_payload(db: DbSession, session: InterviewSession) -> dict[str, Any]:
    return jsonable({
        "verdicts": [{"answer_id": r.answer_id, "flag_index": r.flag_index, "flag_code": r.flag_code,
                      "verdict": r.verdict, "comment": r.comment, "reviewer": email, "updated_at": r.updated_at}
                     for r, email in reviews.flag_reviews(db, session)],
        "comments": [{"id": c.id, "answer_id": c.answer_id, "start": c.start, "end": c.end, "quote": c.quote,
                      "comment": c.comment, "author": email, "created_at": c.created_at}
                     for c, email in reviews.span_comments(db, session)],
        "notes": [{"note": n.note, "author": email, "updated_at": n.updated_at} for n, email in reviews.notes(db, session)],
    })


@router.get("/sessions/{session_id}/review-files", summary="The verdicts as review files for `review import`, one per reviewer")
def review_files(session_id: int, request: Request, me: auth.Current = Depends(api_user),
                 db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    session = visible_session(db, me, session_id)
    return reviews.review_documents(db, session, done_report(request, session))


@router.post("/sessions/{session_id}/reviews", summary="Save your verdict and comment on one flag (upsert)",
             responses={422: {"description": "No such flag in the report"}})
def post_review(session_id: int, body: VerdictIn, request: Request, me: auth.Current = Depends(reviewer_checked),
                db: DbSession = Depends(get_db)) -> dict[str, Any]:
    session = visible_session(db, me, session_id)
    try:
        row = reviews.save_verdict(db, me.user, session, done_report(request, session), answer_id=body.answer_id,
                                   flag_code=body.flag_code, verdict=body.verdict, comment=body.comment,
                                   flag_index=body.flag_index)
    except reviews.ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    return jsonable({"answer_id": row.answer_id, "flag_index": row.flag_index, "flag_code": row.flag_code,
                     "verdict": row.verdict, "comment": row.comment, "reviewer": me.user.email,
                     "updated_at": row.updated_at})


@router.post("/sessions/{session_id}/comments", summary="Comment on a span of an answer", status_code=201)
def post_comment(session_id: int, body: SpanCommentIn, request: Request, me: auth.Current = Depends(reviewer_checked),
                 db: DbSession = Depends(get_db)) -> dict[str, Any]:
    session = visible_session(db, me, session_id)
    try:
        row = reviews.add_span_comment(db, me.user, session, done_report(request, session), answer_id=body.answer_id,
                                       start=body.start, end=body.end, comment=body.comment)
    except reviews.ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    return jsonable({"id": row.id, "answer_id": row.answer_id, "start": row.start, "end": row.end, "quote": row.quote,
                     "comment": row.comment, "author": me.user.email, "created_at": row.created_at})


@router.put("/sessions/{session_id}/note", summary="Save your overall note on a session")
def put_note(session_id: int, body: NoteIn, me: auth.Current = Depends(reviewer_checked),
             db: DbSession = Depends(get_db)) -> dict[str, Any]:
    session = visible_session(db, me, session_id)
    try:
        row = reviews.save_note(db, me.user, session, body.note)
    except reviews.ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    return jsonable({"note": row.note, "author": me.user.email, "updated_at": row.updated_at})


@router.get("/reviews.csv", summary="Every verdict, span comment and note you may see, as CSV",
            response_class=PlainTextResponse)
def reviews_csv(me: auth.Current = Depends(api_user), db: DbSession = Depends(get_db)) -> Response:
    return csv_response(db, me.user)


def csv_response(db: DbSession, user: User) -> Response:
    sessions = list(db.scalars(auth.visible_sessions(user)))
    return Response(reviews.reviews_csv(db, sessions), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="reviews.csv"'})


@router.get("/agreement", summary="Admins: per rule, the share of flags coaches agreed with")
def get_agreement(me: auth.Current = Depends(api_user), db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    if me.user.role != "admin":
        raise NotFound()
    return reviews.agreement(db)
