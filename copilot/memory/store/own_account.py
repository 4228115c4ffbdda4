"""What a signed-in user changes of their own account: their language and their password
(which ends their other sessions)."""

from __future__ import annotations

from sqlalchemy import delete

from copilot.errors import AuthError
from copilot.memory.store.accounts import principal_of
from copilot.memory.store.base import StoreBase
from copilot.memory.store.tables import SessionRow, UserRow
from copilot.models import Language, Principal


class OwnAccountStore(StoreBase):
    """The principal's own user row."""

    def _own_row(self, s) -> UserRow:
        row = s.get(UserRow, self.principal.user_id) if self.principal.user_id else None
        if row is None or row.disabled:
            raise AuthError("no signed-in user", "log in first")
        return row

    def set_language(self, language: Language | None) -> Principal:
        with self._session(write=True) as s:
            row = self._own_row(s)
            row.language = language.value if language else None
            return principal_of(row, self.principal.scopes, self.principal.via)

    def own_password_hash(self) -> str | None:
        with self._session() as s:
            return self._own_row(s).password_hash

    def set_own_password_hash(self, password_hash: str, keep_session: str | None) -> int:
        """Store the new hash and end every session of the user but `keep_session` (the
        digest of the one making the change); returns how many ended."""
        with self._session(write=True) as s:
            row = self._own_row(s)
            row.password_hash, row.failed_logins, row.locked_until = password_hash, 0, None
            query = delete(SessionRow).where(SessionRow.user_id == row.id)
            if keep_session:
                query = query.where(SessionRow.digest != keep_session)
            return s.execute(query).rowcount or 0
