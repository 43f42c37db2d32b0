"""``interview-analyzer serve`` and ``interview-analyzer users``: registered on the main command line.

Only typer is imported here; the web stack loads inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from analyzer.errors import ConfigError

DEFAULT_DATA = Path("workspace-data")
DataOpt = Annotated[Path, typer.Option("--data", help="Folder for the database (SQLite), uploads and reports.")]
DatabaseOpt = Annotated[Optional[str], typer.Option("--database", help="Database URL, e.g. postgresql://user:pw@host/db "
                                                    "(default: SQLite in the data folder).", show_default=False)]


def _need_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise ConfigError("the workspace needs its extra: pip install 'interview-analyzer[workspace]'") from None


def _database(data: Path, database: str | None) -> Any:
    _need_extra()
    from analyzer.workspace.db import open_database

    try:
        return open_database(database, data)
    except Exception as exc:  # noqa: BLE001 - an unreachable server or a bad URL: one line
        from sqlalchemy.exc import ArgumentError, OperationalError

        if isinstance(exc, (OperationalError, ArgumentError)):
            raise ConfigError(f"cannot open the database: {' '.join(str(exc).split())[:300]}") from None
        raise


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat it: "):
            raise ConfigError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _account(db: Any, action: Callable[..., Any], *args: Any) -> Any:
    """Run an account change of :mod:`analyzer.workspace.auth`; a refused one is one line (exit 2)."""
    from analyzer.workspace.auth import AccountError

    with db() as session:
        try:
            return action(session, *args)
        except AccountError as exc:
            raise ConfigError(str(exc)) from None


def register(app: typer.Typer, handle_errors: Callable[..., Any]) -> None:
    users = typer.Typer(help="Workspace accounts: add them, assign candidates to coaches, list them.",
                        no_args_is_help=True)
    app.add_typer(users, name="users")

    @app.command()
    @handle_errors
    def serve(
        data: DataOpt = DEFAULT_DATA,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
        database: DatabaseOpt = None,
        workers: Annotated[int, typer.Option("--workers", min=1, max=8, help="Analysis worker processes (each "
                                             "loads the models once, about 1.6 GB).")] = 1,
        config: Annotated[Optional[Path], typer.Option("--config", help="TOML configuration for the analyses.",
                                                       show_default=False)] = None,
        max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest upload accepted.")] = 200,
        demo: Annotated[bool, typer.Option("--demo", help="Create demo accounts and load the bundled sample "
                                           "sessions (passwords are printed).")] = False,
    ) -> None:
        """Run the coach workspace: web pages and a JSON API (OpenAPI at /openapi.json)."""
        _need_extra()
        import uvicorn

        from analyzer.config import load
        from analyzer.workspace.app import Settings
        from analyzer.workspace.server import create_app
        from analyzer.workspace.lock import DataLock

        settings = Settings(data_dir=data, database=database, workers=workers, max_upload_mb=max_upload_mb,
                            config=load(config, discover_file=False))
        with DataLock(data):
            app = create_app(settings)
            if demo:
                from analyzer.workspace.demo import load_demo

                for line in load_demo(app.state.workspace):
                    typer.echo(line, err=True)
            typer.echo(f"workspace on http://{host}:{port}/ (data in {data.resolve()}; "
                       f"database {'SQLite' if not database else database.split(':', 1)[0]}); Ctrl-C stops it",
                       err=True)
            uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)

    @users.command("add")
    @handle_errors
    def users_add(
        email: Annotated[str, typer.Argument(help="The account's email (its login).", show_default=False)],
        role: Annotated[str, typer.Option("--role", help="admin, coach or candidate.", show_default=False)],
        coach: Annotated[Optional[str], typer.Option("--coach", help="Assign the candidate to this coach.",
                                                     show_default=False)] = None,
        data: DataOpt = DEFAULT_DATA,
        database: DatabaseOpt = None,
    ) -> None:
        """Add an account; the password is read from standard input (asked twice on a terminal)."""
        from analyzer.workspace import auth

        db = _database(data, database)
        user = _account(db, auth.add_user, email, role, _password(), coach)
        typer.echo(f"added {user.email} ({user.role}{', coach ' + coach if coach else ''})", err=True)

    @users.command("assign")
    @handle_errors
    def users_assign(
        candidate: Annotated[str, typer.Argument(help="The candidate's email.", show_default=False)],
        coach: Annotated[Optional[str], typer.Option("--coach", help="The coach's email; leave out to unassign.",
                                                     show_default=False)] = None,
        data: DataOpt = DEFAULT_DATA,
        database: DatabaseOpt = None,
    ) -> None:
        """Assign a candidate to a coach (or to none)."""
        from analyzer.workspace import auth

        _account(_database(data, database), auth.assign_coach, candidate, coach)
        typer.echo(f"{candidate}: coach {coach or '(none)'}", err=True)

    @users.command("password")
    @handle_errors
    def users_password(
        email: Annotated[str, typer.Argument(help="The account's email.", show_default=False)],
        data: DataOpt = DEFAULT_DATA,
        database: DatabaseOpt = None,
    ) -> None:
        """Set a new password (from standard input); the account's browsers must log in again."""
        from analyzer.workspace import auth

        db = _database(data, database)
        _account(db, auth.set_password, email, _password())
        typer.echo(f"password of {email} changed", err=True)

    @users.command("list")
    @handle_errors
    def users_list(data: DataOpt = DEFAULT_DATA, database: DatabaseOpt = None) -> None:
        """Every account with its role and coach."""
        from sqlalchemy import select

        from analyzer.workspace.db import User

        with _database(data, database)() as session:
            accounts = list(session.scalars(select(User).order_by(User.role, User.email)))
            emails = {u.id: u.email for u in accounts}
            for u in accounts:
                typer.echo(f"{u.email}\t{u.role}\t{emails.get(u.coach_id, '') if u.coach_id else ''}")
