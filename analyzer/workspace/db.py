"""Tables, the engine and migrations (Alembic, run at start) of the coach workspace.

SQLite in the data folder by default (WAL, a busy timeout, foreign keys on), PostgreSQL when the
URL says so (``postgresql://`` is run with psycopg 3). The schema changes only through the Alembic
revisions in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
                        create_engine, event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ROLES = ("admin", "coach", "candidate")
STATUSES = ("queued", "running", "done", "failed")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Login(Base):
    """A browser's login: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "logins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InterviewSession(Base):
    """One uploaded recording or transcript, its analysis job and where its report is."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(255))
    """The client's file name, shown (escaped) but never used as a path."""
    folder: Mapped[str] = mapped_column(String(64), unique=True)
    """Generated folder name under ``DIR/sessions`` holding the upload and its report."""
    input_name: Mapped[str] = mapped_column(String(32))
    """The stored upload's generated name inside the folder (``input.txt``, ``input.ogg``...)."""
    is_audio: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)
    flags_total: Mapped[int | None] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The batch's session metrics (:func:`analyzer.batch.session_metrics`): trends and flags per check."""


class FlagReview(Base):
    """One reviewer's verdict and comment on one flag (answer id + index, code as a check)."""

    __tablename__ = "flag_reviews"
    __table_args__ = (UniqueConstraint("session_id", "answer_id", "flag_index", "reviewer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[str] = mapped_column(String(64))
    flag_index: Mapped[int] = mapped_column(Integer)
    flag_code: Mapped[str] = mapped_column(String(64), index=True)
    verdict: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SpanComment(Base):
    """A comment on characters ``start:end`` of an answer's text."""

    __tablename__ = "span_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SessionNote(Base):
    """A reviewer's overall note on a session."""

    __tablename__ = "session_notes"
    __table_args__ = (UniqueConstraint("session_id", "author_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def database_url(url: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: SQLite in ``data_dir`` by default; ``postgresql://`` runs on psycopg 3."""
    if not url:
        return f"sqlite:///{(data_dir / 'workspace.db').resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20,
                               max_overflow=40)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest Alembic revision (run at every start; a no-op when current)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str | None, data_dir: Path) -> sessionmaker:
    """Engine for ``url`` (default: SQLite in ``data_dir``), migrated to the newest schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(url, data_dir))
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
