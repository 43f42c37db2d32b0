"""Accounts, logins, CSRF and who may see what.

* Passwords: argon2id (argon2-cffi's defaults), rehashed on login when the parameters change.
* Logins: a random token in an HttpOnly, SameSite=Lax cookie; the database keeps only its SHA-256,
  so a copied database opens no account. Logging in again replaces the token (no fixation).
* CSRF: every login has its own token; a form sends it as ``csrf_token``, a script or API client as
  the ``X-CSRF-Token`` header (``POST /api/login`` returns it). The login form itself uses a
  double-submit cookie.
* Failed logins are rate-limited per account and per client address (``limits``, moving window).
* Visibility: a candidate sees their own sessions, a coach those of the candidates assigned to
  them, an admin all. Everything else is treated as if it did not exist (404).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session as DbSession

from analyzer.workspace.db import ROLES, InterviewSession, Login, User, utcnow

COOKIE = "ia_session"
LOGIN_CSRF_COOKIE = "ia_login_csrf"
LOGIN_DAYS = 14
MAX_FAILURES_PER_ACCOUNT = "5/minute"
MAX_FAILURES_PER_ADDRESS = "20/minute"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A user-management request that cannot be done (one line for the command line)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --------------------------------------------------------------------------- accounts


def add_user(db: DbSession, email: str, role: str, password: str, coach_email: str | None = None) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"not an email address: {email!r}")
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    if db.scalar(select(User).where(User.email == email)):
        raise AccountError(f"{email} already has an account")
    if coach_email and role != "candidate":
        raise AccountError("--coach applies to candidates only")
    user = User(email=email, role=role, password_hash=hash_password(password))
    if coach_email:
        user.coach_id = _coach(db, coach_email).id
    db.add(user)
    db.commit()
    return user


def _coach(db: DbSession, email: str) -> User:
    coach = db.scalar(select(User).where(User.email == normalise_email(email)))
    if coach is None or coach.role != "coach":
        raise AccountError(f"{email} is not a coach's account")
    return coach


def assign_coach(db: DbSession, candidate_email: str, coach_email: str | None) -> User:
    """Assign a candidate to a coach (``None``: to no coach)."""
    candidate = db.scalar(select(User).where(User.email == normalise_email(candidate_email)))
    if candidate is None or candidate.role != "candidate":
        raise AccountError(f"{candidate_email} is not a candidate's account")
    candidate.coach_id = _coach(db, coach_email).id if coach_email else None
    db.commit()
    return candidate


def set_password(db: DbSession, email: str, password: str) -> None:
    user = db.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"no account for {email}")
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    user.password_hash = hash_password(password)
    db.execute(delete(Login).where(Login.user_id == user.id))  # every browser logs in again
    db.commit()


def authenticate(db: DbSession, email: str, password: str) -> User | None:
    """The user when the password is right (the same work is done for unknown accounts)."""
    user = db.scalar(select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return user


# --------------------------------------------------------------------------- logins


@dataclass
class Current:
    """The logged-in user of a request and the login's CSRF token."""

    user: User
    csrf_token: str


def start_login(db: DbSession, user: User) -> tuple[str, str]:
    """A new login for ``user``: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(Login).where(Login.expires_at < now))
    db.add(Login(token_hash=_token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now,
                 expires_at=now + timedelta(days=LOGIN_DAYS)))
    db.commit()
    return token, csrf


def current(db: DbSession, token: str | None) -> Current | None:
    if not token:
        return None
    login = db.get(Login, _token_hash(token))
    if login is None:
        return None
    expires = login.expires_at if login.expires_at.tzinfo else login.expires_at.replace(tzinfo=timezone.utc)
    if expires < datetime.now(timezone.utc):
        return None
    user = db.get(User, login.user_id)
    return Current(user, login.csrf_token) if user else None


def end_login(db: DbSession, token: str | None) -> None:
    if token:
        db.execute(delete(Login).where(Login.token_hash == _token_hash(token)))
        db.commit()


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class LoginLimiter:
    """Failed logins per account and per client address in a moving window (in memory: one server
    process per data folder)."""

    def __init__(self, per_account: str = MAX_FAILURES_PER_ACCOUNT, per_address: str = MAX_FAILURES_PER_ADDRESS) -> None:
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account, self._address = parse(per_account), parse(per_address)

    def blocked(self, email: str, address: str) -> bool:
        return not (self._limiter.test(self._account, "account", normalise_email(email))
                    and self._limiter.test(self._address, "address", address))

    def failed(self, email: str, address: str) -> None:
        self._limiter.hit(self._account, "account", normalise_email(email))
        self._limiter.hit(self._address, "address", address)

    def retry_after(self, email: str, address: str) -> int:
        resets = [self._limiter.get_window_stats(self._account, "account", normalise_email(email)).reset_time,
                  self._limiter.get_window_stats(self._address, "address", address).reset_time]
        return max(1, int(max(resets) - datetime.now(timezone.utc).timestamp()) + 1)


# --------------------------------------------------------------------------- who sees what


def visible_sessions(user: User) -> Select:
    """The sessions ``user`` may see, as a query to refine."""
    query = select(InterviewSession)
    if user.role == "admin":
        return query
    if user.role == "coach":
        return query.join(User, User.id == InterviewSession.candidate_id).where(User.coach_id == user.id)
    return query.where(InterviewSession.candidate_id == user.id)


def visible_candidates(db: DbSession, user: User) -> list[User]:
    query = select(User).where(User.role == "candidate").order_by(User.email)
    if user.role == "coach":
        query = query.where(User.coach_id == user.id)
    elif user.role == "candidate":
        query = query.where(User.id == user.id)
    return list(db.scalars(query))


def find_session(db: DbSession, user: User, session_id: int) -> InterviewSession | None:
    """The session when ``user`` may see it, else ``None`` (whether or not it exists)."""
    return db.scalar(visible_sessions(user).where(InterviewSession.id == session_id))


def find_candidate(db: DbSession, user: User, candidate_id: int) -> User | None:
    return next((c for c in visible_candidates(db, user) if c.id == candidate_id), None)


def can_review(user: User) -> bool:
    """Coaches and admins review; candidates read their coach's reviews."""
    return user.role in ("coach", "admin")
