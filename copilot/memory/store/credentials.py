"""API tokens and browser sessions, stored as SHA-256 digests of the secret (never the secret),
and the audit log. Tokens are checked on every use: expired, revoked or of a disabled user,
they act as no token at all."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from copilot.errors import NotFoundError
from copilot.memory.store.accounts import principal_of, user_row
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import storable_id, utcnow
from copilot.memory.store.tables import AuditRow, Person, SessionRow, TokenRow, UserRow
from copilot.models import AuditAction, AuditEntry, Principal, TokenInfo, TokenScope
from copilot.text import name_key


def _token(row: TokenRow, email: str) -> TokenInfo:
    return TokenInfo(id=row.id, user=email, scope=TokenScope(row.scope),
                     created_at=row.created_at, expires_at=row.expires_at,
                     last_used_at=row.last_used_at, revoked=row.revoked_at is not None)


def _usable(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    return expires_at is None or expires_at > now


class CredentialStore(StoreBase):
    """Tokens, sessions and the audit log."""

    def add_token(self, email: str, digest: str, scope: TokenScope,
                  expires_at: dt.datetime | None) -> TokenInfo:
        with self._session(write=True) as s:
            user = user_row(s, email)
            row = TokenRow(user_id=user.id, digest=digest, scope=scope.value,
                           expires_at=expires_at)
            s.add(row)
            s.flush()
            return _token(row, user.email)

    def tokens(self, email: str | None = None) -> list[TokenInfo]:
        with self._session() as s:
            q = (select(TokenRow, UserRow.email).join(UserRow, TokenRow.user_id == UserRow.id)
                 .order_by(TokenRow.id))
            if email is not None:
                q = q.where(UserRow.id == user_row(s, email).id)
            return [_token(row, mail) for row, mail in s.execute(q)]

    def revoke_token(self, token_id: int) -> TokenInfo:
        with self._session(write=True) as s:
            row = s.get(TokenRow, token_id) if storable_id(token_id) else None
            if row is None:
                raise NotFoundError(f"no token with id {token_id}",
                                    "list them with `copilot tokens list`")
            row.revoked_at = row.revoked_at or utcnow()
            return _token(row, s.get(UserRow, row.user_id).email)

    def principal_for_token(self, digest: str, now: dt.datetime) -> Principal | None:
        """The user a token acts for, with its scope; its last use is recorded."""
        with self._session(write=True) as s:
            found = s.execute(select(TokenRow, UserRow).join(
                UserRow, TokenRow.user_id == UserRow.id).where(TokenRow.digest == digest)).first()
            if found is None:
                return None
            token, user = found
            if token.revoked_at is not None or user.disabled or not _usable(token.expires_at, now):
                return None
            token.last_used_at = now
            scopes = ((TokenScope.READ, TokenScope.WRITE) if token.scope == TokenScope.WRITE
                      else (TokenScope.READ,))
            return principal_of(user, scopes, "token")

    def add_session(self, user_id: int, digest: str, csrf: str, expires_at: dt.datetime) -> None:
        with self._session(write=True) as s:
            s.add(SessionRow(digest=digest, user_id=user_id, csrf=csrf, expires_at=expires_at))

    def session_principal(self, digest: str, now: dt.datetime) -> tuple[Principal, str] | None:
        """The user of a live session and its CSRF token."""
        with self._session() as s:
            found = s.execute(select(SessionRow, UserRow).join(
                UserRow, SessionRow.user_id == UserRow.id).where(SessionRow.digest == digest)
            ).first()
            if found is None:
                return None
            session, user = found
            if user.disabled or not _usable(session.expires_at, now):
                return None
            return principal_of(user, (TokenScope.READ, TokenScope.WRITE), "session"), session.csrf

    def drop_session(self, digest: str) -> None:
        with self._session(write=True) as s:
            row = s.get(SessionRow, digest)
            if row is not None:
                s.delete(row)

    # -- the audit log ---------------------------------------------------------------------

    def audit(self, action: AuditAction, object_kind: str, object_id: str | None = None, *,
              person: str | None = None, detail: dict | None = None) -> None:
        """Append who (the store's principal) did what to which object, about whom."""
        p = self.principal
        with self._session(write=True) as s:
            person_id = None
            if person:
                person_id = s.scalar(select(Person.id).where(
                    Person.org_id == p.org_id, Person.name_key == name_key(person)))
            s.add(AuditRow(org_id=p.org_id, user_id=p.user_id, actor=p.email, action=action,
                           object_kind=object_kind, object_id=object_id, person_id=person_id,
                           detail=detail))

    def audit_entries(self, *, person: str | None = None, limit: int = 500, offset: int = 0,
                      action: AuditAction | None = None) -> list[AuditEntry]:
        """The newest entries of the principal's organisation, or those about `person`, or
        of one `action`; `offset` skips the newest ones (the pages of the log)."""
        with self._session() as s:
            q = (select(AuditRow, Person.name).outerjoin(Person, AuditRow.person_id == Person.id)
                 .where(AuditRow.org_id == self.principal.org_id)
                 .order_by(AuditRow.id.desc()).limit(limit).offset(max(offset, 0)))
            if person is not None:
                q = q.where(Person.name_key == name_key(person))
            if action is not None:
                q = q.where(AuditRow.action == action)
            return [AuditEntry(id=r.id, at=r.at, actor=r.actor, action=r.action,
                               object_kind=r.object_kind, object_id=r.object_id, person=name,
                               detail=_detail(r.detail)) for r, name in s.execute(q)]


def _detail(detail: dict | None) -> str | None:
    if not detail:
        return None
    return ", ".join(f"{k}={v}" for k, v in sorted(detail.items()))
