"""Accounts: creating users, checking passwords, issuing and checking tokens and sessions.

Passwords are hashed with argon2id (argon2-cffi's maintained defaults) and never stored or
logged. Tokens and session ids are 256 random bits shown once; the store keeps their SHA-256
digest, which is enough for secrets that cannot be guessed (a slow hash is for passwords).
Repeated wrong passwords lock the account for a while (COPILOT_LOGIN_ATTEMPTS,
COPILOT_LOGIN_LOCK_MINUTES); the API also rate-limits login per client address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from copilot.errors import AuthError, Forbidden, InputError, RateLimited
from copilot.memory.store import Store
from copilot.models import AccountRole, NewToken, Principal, TokenScope, User
from copilot.settings import Settings
from copilot.validate import check_name

TOKEN_PREFIX = "cpt_"  # so a leaked token is recognisable (secret scanners, logs)
MIN_PASSWORD = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
# Checked against when the email is unknown, so that a login takes as long either way.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_password() -> str:
    """A one-time password: 20 URL-safe characters (120 bits)."""
    return secrets.token_urlsafe(15)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short ({len(password)} characters)",
                         f"use at least {MIN_PASSWORD} characters")
    return password


def check_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise InputError(f"{email!r} is not an email address", "use name@example.org")
    return email


def add_user(store: Store, email: str, name: str, role: AccountRole, *, org: str | None = None,
             manager: str | None = None, password: str | None = None) -> tuple[User, str]:
    """Create a user; returns it and its password (the one given, or a new one-time one)."""
    secret = check_password(password) if password is not None else new_password()
    organisation = store.organisation(org, create=True)
    user = store.add_user(check_email(email), check_name(name), role, org_id=organisation.id,
                          password_hash=_HASHER.hash(secret),
                          manager_email=check_email(manager) if manager else None)
    return user, secret


def reset_password(store: Store, email: str, password: str | None = None) -> str:
    secret = check_password(password) if password is not None else new_password()
    store.set_password_hash(check_email(email), _HASHER.hash(secret))
    return secret


def issue_token(store: Store, email: str, scope: TokenScope = TokenScope.READ,
                days: int | None = 90) -> NewToken:
    if days is not None and not 1 <= days <= 3650:
        raise InputError(f"--days {days} is out of range", "use 1 to 3650 days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = now() + dt.timedelta(days=days) if days is not None else None
    info = store.add_token(check_email(email), digest(token), scope, expires)
    return NewToken(token=token, info=info)


def principal_for_token(store: Store, token: str) -> Principal:
    principal = store.principal_for_token(digest(token), now())
    if principal is None:
        raise AuthError("the token is unknown, expired or revoked",
                        "create a new one with `copilot tokens create EMAIL`")
    return principal


@dataclass(frozen=True)
class Session:
    """A browser session just opened: the cookie value and the CSRF token (both secret)."""

    cookie: str
    csrf: str
    principal: Principal
    expires_at: dt.datetime


def login(store: Store, settings: Settings, email: str, password: str) -> Session:
    """Check a password and open a session. One message for every failure (unknown email,
    wrong password, disabled user) so that logins do not reveal who has an account."""
    server = settings.server
    record = store.login_record(email)
    if record is not None and record.locked_until is not None:
        locked = record.locked_until  # aware UTC: the store's UtcDateTime columns
        if locked > now():
            raise RateLimited("too many wrong passwords: this account is locked for a while",
                              "try again later, or ask an admin to reset the password",
                              retry_after=int((locked - now()).total_seconds()) + 1)
    stored = record.password_hash if record is not None and record.password_hash else None
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
        ok = stored is not None and not record.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if record is not None:
        store.note_login(record.user_id, ok=ok, attempts=server.login_attempts,
                         lock_until=now() + dt.timedelta(minutes=server.login_lock_minutes))
    if not ok or record is None:
        raise AuthError("wrong email or password", None)
    principal = store.principal_for_user(record.user_id)
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now() + dt.timedelta(hours=server.session_hours)
    store.add_session(record.user_id, digest(cookie), csrf, expires)
    return Session(cookie, csrf, principal, expires)


def change_password(store: Store, current: str, new: str, cookie: str | None = None) -> int:
    """The signed-in user (the store's principal) changes their password: `current` must be
    right (Forbidden, and nothing changes, when it is not). Every other session ends; the one
    of `cookie`, making the change, stays. Returns how many sessions ended."""
    stored = store.own_password_hash()
    try:
        _HASHER.verify(stored or _DUMMY_HASH, current)
        ok = stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise Forbidden("the current password is wrong", "type it again")
    check_password(new)
    if new == current:
        raise InputError("the new password is the current one", "choose another one")
    return store.set_own_password_hash(_HASHER.hash(new), digest(cookie) if cookie else None)


def session_principal(store: Store, cookie: str) -> tuple[Principal, str]:
    found = store.session_principal(digest(cookie), now())
    if found is None:
        raise AuthError("the session has ended", "log in again")
    return found


def logout(store: Store, cookie: str) -> None:
    store.drop_session(digest(cookie))
