"""The workspace server: :func:`create_app` builds the FastAPI app from the HTML pages (:mod:`.pages`), the JSON
API under ``/api`` (:mod:`.api`, documented at ``/openapi.json``), ``/healthz`` and ``/static``, with start-up
(migrations, job resumption) and shut-down."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from analyzer.workspace.app import HERE, BodyLimit, LoginRequired, SecurityHeaders, Settings, Workspace
from analyzer.workspace.uploads import clean_tmp


def create_app(settings: Settings) -> FastAPI:
    from analyzer import __version__
    from analyzer.workspace import api, pages

    workspace = Workspace(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        clean_tmp(workspace.data_dir)
        workspace.jobs.start()
        try:
            yield
        finally:
            workspace.jobs.stop()

    app = FastAPI(title="interview-analyzer coach workspace", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="The JSON API of the coach workspace. Log in with POST /api/login; it sets the "
                              "session cookie and returns a CSRF token to send as the X-CSRF-Token header with "
                              "every POST/PUT. Sessions you may not see answer 404; calls without a login 401.")
    app.state.workspace = workspace
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/healthz", tags=["health"], summary="Liveness and database check (no login)")
    def healthz() -> dict[str, Any]:
        with workspace.db() as db:
            db.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> RedirectResponse:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Any:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return workspace.render("error.html.j2", status=404, title="Not found",
                                message="There is no such page, or it is not yours to see.", user=None)

    app.add_middleware(BodyLimit, max_bytes=workspace.max_upload_bytes + (1 << 20))
    app.add_middleware(SecurityHeaders)
    return app
