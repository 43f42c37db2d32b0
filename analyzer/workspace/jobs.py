"""Background analysis: queued sessions run in the batch's worker processes.

One dispatcher thread claims ``queued`` sessions (oldest first, at most two per worker in flight),
marks them ``running`` and submits :func:`analyzer.batch.analyse_task` to a
:func:`analyzer.batch.worker_pool` (spawned processes that keep one Analyzer each, so the models load
once per worker, and die with the server). The report is written atomically into the session's
folder before the row says ``done``; a failure records the one-line error. At start, sessions left
``running`` by a server that died are queued again, so they finish.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from analyzer.config import Config
from analyzer.workspace.db import InterviewSession, utcnow
from analyzer.workspace.uploads import sessions_dir

log = logging.getLogger("analyzer.workspace")
REPORT_FORMATS = ["json"]
POLL_S = 0.5


def report_file(data_dir: Path, session: InterviewSession) -> Path:
    from analyzer.batch.manifests import report_path

    return sessions_dir(data_dir) / session.folder / report_path(session.input_name, "json")


class Jobs:
    """The dispatcher thread and its worker pool (started lazily, at the first queued session)."""

    def __init__(self, db: sessionmaker, data_dir: Path, config: Config, workers: int = 1) -> None:
        self.db, self.data_dir, self.config, self.workers = db, data_dir, config, max(1, workers)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: Any = None

    def start(self) -> None:
        with self.db() as db:
            db.execute(update(InterviewSession).where(InterviewSession.status == "running")
                       .values(status="queued", started_at=None))
            db.commit()
        self._thread = threading.Thread(target=self._loop, name="workspace-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        if self._pool is not None:
            from analyzer.batch.workers import stop_pool

            stop_pool(self._pool)

    # The pool is created and fed from this one long-lived thread: Linux's parent-death signal,
    # which ends the workers with the server, follows the thread that started them.
    def _loop(self) -> None:
        running: dict[Future, int] = {}
        while not self._stop.is_set():
            try:
                self._claim(running)
                if running:
                    done, _ = wait(list(running), timeout=POLL_S, return_when=FIRST_COMPLETED)
                    for future in done:
                        self._finish(running.pop(future), future)
                else:
                    self._wake.wait(POLL_S)
                    self._wake.clear()
            except Exception:  # noqa: BLE001 - the dispatcher must outlive one bad round (e.g. a lost database)
                log.exception("job dispatcher error; retrying")
                self._stop.wait(2)

    def _claim(self, running: dict[Future, int]) -> None:
        room = 2 * self.workers - len(running)
        if room <= 0:
            return
        with self.db() as db:
            queued = list(db.scalars(select(InterviewSession).where(InterviewSession.status == "queued")
                                     .order_by(InterviewSession.id).limit(room)))
            for session in queued:
                session.status, session.started_at, session.error = "running", utcnow(), None
            db.commit()
        for session in queued:
            try:
                running[self._submit(session)] = session.id
            except BrokenProcessPool:
                self._pool = None
                self._record(session.id, ok=False, error="the analysis workers could not be started")

    def _submit(self, session: InterviewSession) -> Future:
        from analyzer.batch.discovery import Session
        from analyzer.batch.manifests import session_key
        from analyzer.batch.workers import Task, analyse_task, worker_pool

        if self._pool is None:
            self._pool = worker_pool(self.config, {}, self.workers)
        folder = sessions_dir(self.data_dir) / session.folder
        batch_session = Session(path=str(folder / session.input_name), rel=session.input_name)
        key = session_key(batch_session, self.config.fingerprint())
        return self._pool.submit(analyse_task, Task(batch_session, key, str(folder), REPORT_FORMATS))

    def _finish(self, session_id: int, future: Future) -> None:
        try:
            outcome = future.result()
        except BrokenProcessPool:
            self._pool = None  # a fresh pool for the next session
            self._record(session_id, ok=False, error="the worker process died while analysing it "
                                                     "(out of memory or a crash in a native library)")
            return
        except Exception as exc:  # noqa: BLE001 - a missing model or bad configuration: say so on the session
            self._record(session_id, ok=False, error=" ".join(str(exc).split()) or type(exc).__name__)
            return
        self._record(session_id, ok=outcome.ok, error=outcome.error, metrics=outcome.metrics)

    def _record(self, session_id: int, *, ok: bool, error: str | None = None, metrics: dict[str, Any] | None = None) -> None:
        with self.db() as db:
            session = db.get(InterviewSession, session_id)
            if session is None:
                return
            if error:  # the stored path means nothing to the user: name the upload instead
                folder = str(sessions_dir(self.data_dir) / session.folder / session.input_name)
                error = error.replace(folder, session.title).splitlines()[0][:500]
            session.status = "done" if ok else "failed"
            session.error = None if ok else error
            session.finished_at = utcnow()
            if ok and metrics:
                session.metrics = metrics
                session.score = metrics.get("score")
                session.flags_total = metrics.get("flags_total")
            db.commit()
