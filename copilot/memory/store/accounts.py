"""Organisations and users: the rows behind accounts (hashing and checks: copilot/accounts.py).

A user of role manager or report is also a person: their people record is the one the
meetings name (matched by name_key in their organisation), created if no meeting named them yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copilot.errors import InputError, NotFoundError
from copilot.memory.store.base import StoreBase, upsert_person
from copilot.memory.store.tables import OrganisationRow, Person, SessionRow, UserRow
from copilot.models import AccountRole, Organisation, Principal, Retention, TokenScope, User
from copilot.models.accounts import DEFAULT_ORG_ID

USERS_HINT = "list them with `copilot users list`"


@dataclass(frozen=True)
class LoginRecord:
    """What checking a password needs (never leaves copilot/accounts.py)."""

    user_id: int
    password_hash: str | None
    disabled: bool
    failed_logins: int
    locked_until: dt.datetime | None


def principal_of(row: UserRow, scopes: tuple[TokenScope, ...], via: str) -> Principal:
    return Principal(user_id=row.id, org_id=row.org_id, role=AccountRole(row.role),
                     person_id=row.person_id, email=row.email, name=row.name, scopes=scopes,
                     via=via, language=row.language)


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, name=row.name, recordings_days=row.recordings_days,
                        transcripts_days=row.transcripts_days)


def _user(s: Session, row: UserRow) -> User:
    org = s.get(OrganisationRow, row.org_id)
    person = s.get(Person, row.person_id) if row.person_id else None
    boss = None
    if person is not None and person.manager_id is not None:
        boss = s.scalar(select(UserRow.email).where(UserRow.person_id == person.manager_id))
    return User(id=row.id, org=org.name if org else "?", email=row.email, name=row.name,
                role=AccountRole(row.role), person=person.name if person else None,
                manager=boss, disabled=row.disabled, created_at=row.created_at,
                language=row.language)


def user_row(s: Session, email: str) -> UserRow:
    row = s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if row is None:
        raise NotFoundError(f"no user with the email {email!r}", USERS_HINT)
    return row


class AccountStore(StoreBase):
    """Organisations, users, and the principal a user acts as."""

    def organisation(self, name: str | None = None, *, create: bool = False) -> Organisation:
        """The organisation called `name` (None: the default one), created when asked."""
        with self._session(write=create) as s:
            if name is None:
                row = s.get(OrganisationRow, DEFAULT_ORG_ID)
            else:
                row = s.scalar(select(OrganisationRow).where(OrganisationRow.name == name))
            if row is None and create and name is not None:
                row = OrganisationRow(name=name)
                s.add(row)
                s.flush()
            if row is None:
                raise NotFoundError(f"no organisation called {name!r}",
                                    "it is created by `copilot users add --org NAME`")
            return _org(row)

    def set_retention(self, retention: Retention) -> Organisation:
        """The principal's organisation's retention (the route checks the admin role)."""
        with self._session(write=True) as s:
            row = s.get(OrganisationRow, self.principal.org_id)
            row.recordings_days = retention.recordings_days
            row.transcripts_days = retention.transcripts_days
            return _org(row)

    def organisations(self) -> list[Organisation]:
        with self._session() as s:
            rows = s.scalars(select(OrganisationRow).order_by(OrganisationRow.id))
            return [_org(r) for r in rows]

    def add_user(self, email: str, name: str, role: AccountRole, *, org_id: int,
                 password_hash: str, manager_email: str | None = None) -> User:
        """A new user; managers and reports get (or join) their people record, and
        `manager_email` links a report's record to that manager's."""
        email = email.strip().lower()
        with self._session(write=True) as s:
            if s.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
                raise InputError(f"a user with the email {email} exists already", USERS_HINT)
            person = None
            if role in (AccountRole.MANAGER, AccountRole.REPORT):
                person = upsert_person(s, name, org_id)
                if s.scalar(select(UserRow.id).where(UserRow.person_id == person.id)):
                    raise InputError(f"{person.name} already has an account",
                                     "give the full name, or disable the other account")
            if manager_email is not None:
                boss = user_row(s, manager_email)
                if boss.org_id != org_id or boss.person_id is None:
                    raise InputError(f"{manager_email} is not a manager of this organisation",
                                     "add the manager first, in the same --org")
                if person is not None:
                    person.manager_id = boss.person_id
            row = UserRow(org_id=org_id, email=email, name=" ".join(name.split()),
                          role=role.value, password_hash=password_hash, disabled=False,
                          person_id=person.id if person else None, failed_logins=0)
            s.add(row)
            s.flush()
            return _user(s, row)

    def users(self, org_id: int | None = None) -> list[User]:
        with self._session() as s:
            q = select(UserRow).order_by(UserRow.org_id, UserRow.email)
            if org_id is not None:
                q = q.where(UserRow.org_id == org_id)
            return [_user(s, r) for r in s.scalars(q)]

    def user(self, email: str) -> User:
        with self._session() as s:
            return _user(s, user_row(s, email))

    def has_users(self, org_id: int | None = None) -> bool:
        with self._session() as s:
            q = select(func.count(UserRow.id)).where(UserRow.disabled.is_(False))
            if org_id is not None:
                q = q.where(UserRow.org_id == org_id)
            return bool(s.scalar(q))

    def set_user_disabled(self, email: str, disabled: bool = True) -> User:
        """Disabling also ends the user's sessions; their tokens stop working (checked on use)."""
        with self._session(write=True) as s:
            row = user_row(s, email)
            row.disabled = disabled
            if disabled:
                for session in s.scalars(select(SessionRow).where(SessionRow.user_id == row.id)):
                    s.delete(session)
            return _user(s, row)

    def set_password_hash(self, email: str, password_hash: str) -> User:
        with self._session(write=True) as s:
            row = user_row(s, email)
            row.password_hash, row.failed_logins, row.locked_until = password_hash, 0, None
            return _user(s, row)

    def login_record(self, email: str) -> LoginRecord | None:
        with self._session() as s:
            row = s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
            if row is None:
                return None
            return LoginRecord(row.id, row.password_hash, row.disabled, row.failed_logins,
                               row.locked_until)

    def note_login(self, user_id: int, *, ok: bool, attempts: int,
                   lock_until: dt.datetime) -> None:
        """Reset the count after a success; count a failed password, and lock the account
        until `lock_until` when that makes `attempts`. The row is locked and the count decided
        here: wrong passwords tried at once on PostgreSQL would otherwise count as one."""
        with self._session(write=True) as s:
            row = s.get(UserRow, user_id, with_for_update=True)
            row.failed_logins = 0 if ok else row.failed_logins + 1
            row.locked_until = (lock_until if not ok and row.failed_logins >= attempts
                                else None)

    def principal_for_user(self, user_id: int, scopes: tuple[TokenScope, ...] = (
            TokenScope.READ, TokenScope.WRITE), via: str = "session") -> Principal | None:
        with self._session() as s:
            row = s.get(UserRow, user_id)
            if row is None or row.disabled:
                return None
            return principal_of(row, scopes, via)
