"""The workspace application's shared parts: settings, the :class:`Workspace` the routes share, the
security middleware and the request helpers of the pages (:mod:`.pages`) and the JSON API (:mod:`.api`).
:func:`analyzer.workspace.server.create_app` puts them together."""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.orm import Session as DbSession
from starlette.types import ASGIApp, Receive, Scope, Send

from analyzer.config import Config
from analyzer.workspace import auth
from analyzer.workspace.db import open_database
from analyzer.workspace.uploads import DEFAULT_MAX_UPLOAD_MB

HERE = Path(__file__).resolve().parent
log = logging.getLogger("analyzer.workspace")
PAGE_CSP = ("default-src 'self'; script-src 'self'{extra}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


@dataclass
class Settings:
    data_dir: Path
    database: str | None = None
    workers: int = 1
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    config: Config = field(default_factory=Config)
    secure_cookies: bool = False
    """Mark cookies Secure (serve behind HTTPS)."""


class LoginRequired(Exception):
    """A page needs a login: redirect to the login form."""


class NotFound(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=404, detail="not found")


class BodyLimit:
    """Refuse request bodies larger than the upload limit before they are read (413), and bodies
    without a declared length (411), so nothing spools an unbounded upload to disk."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            problem = None
            if length is None:
                problem = (411, "a Content-Length header is required") if b"transfer-encoding" in headers else None
            elif not length.isdigit() or int(length) > self.max_bytes:
                problem = (413, f"the request is larger than the {self.max_bytes // (1 << 20)} MB upload limit")
            if problem:
                await JSONResponse({"detail": problem[1]}, status_code=problem[0])(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                defaults = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"same-origin",
                            b"x-frame-options": b"DENY", b"cache-control": b"no-store",
                            b"content-security-policy": PAGE_CSP.format(extra="").encode()}
                headers += [(k, v) for k, v in defaults.items() if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Workspace:
    """What the routes share: settings, the database, the job dispatcher, the login limiter, templates."""

    def __init__(self, settings: Settings) -> None:
        from analyzer.workspace.jobs import Jobs

        self.settings = settings
        self.data_dir = settings.data_dir.resolve()
        self.db = open_database(settings.database, self.data_dir)
        self.jobs = Jobs(self.db, self.data_dir, settings.config, settings.workers)
        self.limiter = auth.LoginLimiter()
        self.templates = _templates()

    @property
    def max_upload_bytes(self) -> int:
        return int(self.settings.max_upload_mb * (1 << 20))

    def session(self) -> Iterator[DbSession]:
        with self.db() as db:
            yield db

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status)


def _templates() -> Any:
    import jinja2

    from analyzer.report.html import TEMPLATE_DIR
    from analyzer.report.html.segments import css_kind, fmt_num, fmt_time, humanize

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                                         jinja2.FileSystemLoader(str(TEMPLATE_DIR))]),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(time=fmt_time, num=fmt_num, humanize=humanize, css_kind=css_kind,
                       when=_when)
    return env


def _when(value: Any) -> str:
    """A time stamp to the minute (a datetime, or an ISO string from the API payload)."""
    if not value:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)[:16].replace("T", " ")


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def workspace_of(request: Request) -> Workspace:
    return request.app.state.workspace


def get_db(request: Request) -> Iterator[DbSession]:
    yield from workspace_of(request).session()


def current_user(request: Request, db: DbSession) -> auth.Current | None:
    return auth.current(db, request.cookies.get(auth.COOKIE))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
