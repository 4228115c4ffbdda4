"""`copilot tokens create|list|revoke`: API tokens (`Authorization: Bearer TOKEN`).

A token is shown once, alone on stdout, so that `TOKEN=$(copilot tokens create EMAIL)` works;
the store keeps only its digest, so `tokens list` cannot print it. Each creation and revocation
writes an audit entry (the token's id, never the token).
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import sys
from typing import Annotated

import typer
from rich.table import Table

from copilot.cli.common import JsonOpt, open_store, print_models, stderr, stdout
from copilot.errors import InputError
from copilot.models import AuditAction, TokenScope

app = typer.Typer(help="API tokens: created for a user, shown once, listed, revoked.",
                  no_args_is_help=True)


@app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The user the token acts for.")],
    scope: Annotated[TokenScope, typer.Option(
        "--scope", help="read (safe methods only) or write.")] = TokenScope.READ,
    days: Annotated[int, typer.Option("--days", help="Expires after N days (1 to 3650).")] = 90,
) -> None:
    """Create a token; prints it alone on stdout (shown once: only a hash is kept)."""
    from copilot import accounts

    email = accounts.check_email(email)
    with open_store() as store:
        user = store.user(email)
        if user.disabled:  # its token would be refused on every use: say so now instead
            raise InputError(f"{user.email} is disabled", "a disabled user's tokens never work")
        new = accounts.issue_token(store, email, scope, days)
        store.audit(AuditAction.CREATE, "token", str(new.info.id), person=user.person,
                    detail={"user": user.email, "scope": scope.value, "days": days})
    expires = new.info.expires_at.date().isoformat() if new.info.expires_at else "never"
    stderr().print(f"token {new.info.id} for {user.email}, scope {scope.value}, expires "
                   f"{expires} (shown once):", markup=False)
    sys.stdout.write(new.token + "\n")
    sys.stdout.flush()


def _when(value, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if value is not None else "-"


@app.command("list")
def tokens_list(
    email: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Tokens (never the token itself): id, user, scope, dates, whether revoked."""
    from copilot.accounts import check_email

    with open_store() as store:
        found = store.tokens(check_email(email) if email is not None else None)
    if json_out:
        print_models(found)
        return
    if not found:
        stderr().print("no tokens: create one with `copilot tokens create EMAIL`", markup=False)
        return
    table = Table("id", "user", "scope", "created", "expires", "last used", "revoked")
    table.columns[1].no_wrap = True  # an email cut in two cannot be pasted back
    for t in found:
        table.add_row(str(t.id), t.user, t.scope.value, _when(t.created_at),
                      _when(t.expires_at), _when(t.last_used_at, "%Y-%m-%d %H:%M"),
                      "yes" if t.revoked else "no")
    stdout().print(table)


@app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id `tokens list` shows.")],
) -> None:
    """Revoke a token: it stops working at once."""
    with open_store() as store:
        info = store.revoke_token(token_id)
        store.audit(AuditAction.CHANGE, "token", str(info.id),
                    detail={"user": info.user, "revoked": True})
    stderr().print(f"revoked token {info.id} of {info.user}", markup=False)
