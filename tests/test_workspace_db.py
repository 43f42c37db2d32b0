"""Workspace database: Alembic migrations on SQLite and on a real PostgreSQL server, the server on
PostgreSQL end to end, and SIGKILL during an analysis and during reviews (SQLite).

PostgreSQL tests need ``INTERVIEW_ANALYZER_TEST_DATABASE`` (a URL of a role that may create
databases; .ci/run sets it after starting the server); each test works in a database of its own."""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workspace extra is not installed: pip install '.[workspace]'")

from workspace_helpers import Server  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_transcripts"
PG_URL = os.environ.get("INTERVIEW_ANALYZER_TEST_DATABASE")
TABLES = {"users", "logins", "sessions", "flag_reviews", "span_comments", "session_notes", "alembic_version"}


@pytest.fixture
def pg_database():
    if not PG_URL:
        pytest.skip("INTERVIEW_ANALYZER_TEST_DATABASE is not set (.ci/run starts PostgreSQL and sets it)")
    from sqlalchemy import create_engine, text

    from analyzer.workspace.db import database_url

    name = f"ia_ws_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(PG_URL, Path(".")), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as c:
        c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _round_trip(url: str, tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from analyzer.workspace.db import MIGRATIONS, database_url, make_engine, open_database

    maker = open_database(url, tmp_path)
    engine = maker.kw["bind"]
    assert set(inspect(engine).get_table_names()) == TABLES
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    again = open_database(url, tmp_path).kw["bind"]  # a start migrates to the newest revision again
    assert set(inspect(again).get_table_names()) == TABLES
    assert make_engine(database_url(url, tmp_path)).dialect.name == ("postgresql" if url else "sqlite")
    again.dispose()


def test_migrations_upgrade_downgrade_and_upgrade_on_sqlite(tmp_path: Path):
    _round_trip(None, tmp_path)  # type: ignore[arg-type]
    assert (tmp_path / "workspace.db").is_file()


@pytest.mark.postgres
def test_migrations_upgrade_downgrade_and_upgrade_on_postgresql(pg_database: str, tmp_path: Path):
    _round_trip(pg_database, tmp_path)


@pytest.mark.postgres
def test_server_on_postgresql_analyses_and_keeps_reviews(pg_database: str, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("workspace-pg")
    server = Server(root / "data", tmp_path_factory.getbasetemp() / "cache", database=pg_database)
    server.add_user("coach@pg.test", "coach")
    server.add_user("cand@pg.test", "candidate", coach="coach@pg.test")
    server.start()
    try:
        coach = server.client("coach@pg.test")
        sid = coach.upload("weak.vtt", (SAMPLES / "weak_candidate.vtt").read_bytes(), "cand@pg.test").json()["id"]
        assert coach.wait_done(sid)["status"] == "done", server.log_text()
        answer_id, index, code = coach.flags(sid)[0]
        for verdict in ("disagree", "agree"):  # the second save updates the same row
            assert coach.send_json("POST", f"/api/sessions/{sid}/reviews", {
                "answer_id": answer_id, "flag_index": index, "flag_code": code, "verdict": verdict}).status_code == 200
        candidate = server.client("cand@pg.test")
        reviews = candidate.get(f"/api/sessions/{sid}/reviews").json()["verdicts"]
        assert [(r["verdict"], r["reviewer"]) for r in reviews] == [("agree", "coach@pg.test")]
        assert not list((root / "data").glob("*.db")), "nothing went to SQLite"
    finally:
        server.stop()


def test_sigkill_during_an_analysis_and_during_reviews_loses_nothing(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("workspace-kill")
    server = Server(root / "data", tmp_path_factory.getbasetemp() / "cache")
    server.add_user("coach@k.test", "coach")
    server.add_user("cand@k.test", "candidate", coach="coach@k.test")
    server.start()
    coach = server.client("coach@k.test")
    first = coach.upload("weak.vtt", (SAMPLES / "weak_candidate.vtt").read_bytes(), "cand@k.test").json()["id"]
    assert coach.wait_done(first)["status"] == "done", server.log_text()
    flags = coach.flags(first)
    # a second session is being analysed while reviews are being saved when the server is killed
    second = coach.upload("tech.srt", (SAMPLES / "technical_panel.srt").read_bytes(), "cand@k.test").json()["id"]
    acknowledged: dict[tuple[str, int], str] = {}
    stop = threading.Event()

    def review_loop() -> None:
        n = 0
        while not stop.is_set():
            answer_id, index, code = flags[n % len(flags)]
            comment = f"comment {n}"
            try:
                response = coach.send_json("POST", f"/api/sessions/{first}/reviews", {
                    "answer_id": answer_id, "flag_index": index, "flag_code": code, "verdict": "agree",
                    "comment": comment})
            except Exception:  # noqa: BLE001 - the server is gone: this one was never acknowledged
                return
            if response.status_code == 200:
                acknowledged[(answer_id, index)] = comment
            n += 1

    def slow_upload() -> None:  # still sending its body when the server dies
        boundary = "ia-test-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"candidate\"\r\n\r\ncand@k.test\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\n").encode() + b"Q: Why?\nA: Because.\n" * 20000 + f"\r\n--{boundary}--\r\n".encode()

        def chunks():
            for start in range(0, len(body), 4096):
                if stop.is_set():
                    time.sleep(5)  # the server is gone by now
                yield body[start:start + 4096]
                time.sleep(0.2)  # 100 chunks: 20 s, far longer than the test waits before the kill

        try:
            coach.post("/api/sessions", content=chunks(), headers={
                "X-CSRF-Token": coach.csrf, "Content-Length": str(len(body)),
                "Content-Type": f"multipart/form-data; boundary={boundary}"})
        except Exception:  # noqa: BLE001 - expected: the connection dies with the server
            pass

    reviewer = threading.Thread(target=review_loop)
    reviewer.start()
    uploader = threading.Thread(target=slow_upload)
    uploader.start()
    deadline = time.monotonic() + 120
    while coach.get(f"/api/sessions/{second}").json()["status"] != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    server.kill()
    stop.set()
    reviewer.join(timeout=60)
    uploader.join(timeout=60)
    assert acknowledged, "reviews were being saved when the server died"

    server.start()
    coach = server.client("coach@k.test")
    saved = {(r["answer_id"], r["flag_index"]): r["comment"]
             for r in coach.get(f"/api/sessions/{first}/reviews").json()["verdicts"]}
    for key, comment in acknowledged.items():  # every acknowledged save is there (or a later one)
        assert key in saved and int(saved[key].split()[1]) >= int(comment.split()[1])
    status = coach.wait_done(second)
    assert status["status"] == "done", (status, server.log_text())
    assert coach.get(f"/api/sessions/{second}/report").json()["answers"], "the resumed analysis wrote a whole report"
    assert {s["id"] for s in coach.get("/api/sessions").json()} == {first, second}, "the cut upload made no session"
    leftovers = [p for p in (root / "data").rglob("*") if p.name.endswith((".tmp", ".part"))]
    assert not leftovers, leftovers
    server.stop()
