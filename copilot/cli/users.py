"""`copilot users add|list|disable|reset-password`: server accounts, administered locally.

The CLI acts as the local owner (the store's default principal): whoever can run it on the
home can read the database anyway, so it asks for no login. A password is printed once, alone
on stdout (`PW=$(copilot users add ...)`), or read from stdin with `--password-stdin`; the rest
goes to stderr. Each change writes an audit entry, never with the password in it.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import sys
from typing import Annotated

import typer
from rich.table import Table

from copilot.cli.common import JsonOpt, open_store, print_models, stderr, stdout
from copilot.errors import InputError
from copilot.models import AccountRole, AuditAction, User

app = typer.Typer(help="Server accounts: users of organisations, their roles and passwords.",
                  no_args_is_help=True)

EmailArg = Annotated[str, typer.Argument(help="The user's email (their login).")]
PasswordStdinOpt = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from stdin (one line) instead of printing a "
    "new one-time password.")]


def read_password(from_stdin: bool) -> str | None:
    """The password given on stdin (None: make a one-time one). Checked before anything is
    stored, so that a short one changes nothing."""
    from copilot.accounts import check_password

    if not from_stdin:
        return None
    if sys.stdin.isatty():  # a person typing: hidden, and twice so that a typo is caught
        secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    return check_password(secret)


def print_secret(secret: str | None, what: str) -> None:
    """A secret alone on stdout (so that `$(...)` captures it), the words about it on stderr."""
    if secret is None:
        return
    stderr().print(f"{what} (shown once, give it to the user privately):", markup=False)
    sys.stdout.write(secret + "\n")
    sys.stdout.flush()


def _check_new_user(store, email: str, org: str | None, manager: str | None) -> None:
    """What store.add_user would refuse, checked before it creates a new --org: a refused
    `users add` leaves no organisation behind."""
    from copilot.errors import NotFoundError

    try:
        store.user(email)
    except NotFoundError:
        pass
    else:
        raise InputError(f"a user with the email {email} exists already",
                         "list them with `copilot users list`")
    if manager is None:
        return
    boss = store.user(manager)  # NotFoundError (exit 2) when there is no such user
    org_name = org if org is not None else store.organisation().name
    if boss.org != org_name or boss.person is None:
        raise InputError(f"{manager} is not a manager of the organisation {org_name!r}",
                         "add the manager first, in the same --org")


@app.command("add")
def users_add(
    email: EmailArg,
    name: Annotated[str, typer.Option("--name", help="Full name, as meetings name them.")],
    role: Annotated[AccountRole, typer.Option("--role", help="admin, hr, manager or report.")],
    org: Annotated[str | None, typer.Option(
        "--org", help="Organisation (created if new; default: the default one).")] = None,
    manager: Annotated[str | None, typer.Option(
        "--manager", help="Email of this report's manager (same organisation).")] = None,
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Add a user; prints a one-time password alone on stdout unless --password-stdin."""
    from copilot import accounts
    from copilot.validate import check_name

    email = accounts.check_email(email)
    manager = accounts.check_email(manager) if manager is not None else None
    check_name(name)
    if org is not None and not org.strip():
        raise InputError("--org is empty", "give the organisation's name, or leave it out")
    password = read_password(password_stdin)
    with open_store() as store:
        _check_new_user(store, email, org, manager)
        user, secret = accounts.add_user(store, email, name, role, org=org, manager=manager,
                                         password=password)
        store.audit(AuditAction.CREATE, "user", str(user.id), person=user.person,
                    detail={"email": user.email, "role": user.role.value, "org": user.org,
                            "manager": user.manager})
    stderr().print(f"added {user.email} ({user.role.value}) to {user.org}"
                   + (f", reporting to {user.manager}" if user.manager else ""), markup=False)
    print_secret(secret if password is None else None, "one-time password")


@app.command("list")
def users_list(
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Users, by organisation and email (never a password)."""
    with open_store() as store:
        org_id = store.organisation(org).id if org is not None else None
        found = store.users(org_id)
    if json_out:
        print_models(found)
        return
    if not found:
        stderr().print("no users yet: add one with `copilot users add EMAIL --name NAME "
                       "--role admin`", markup=False)
        return
    table = Table("email", "name", "role", "organisation", "manager", "status")
    table.columns[0].no_wrap = True  # an email cut in two cannot be pasted back
    for u in found:
        table.add_row(u.email, u.name, u.role.value, u.org, u.manager or "-",
                      "disabled" if u.disabled else "active")
    stdout().print(table)


def _changed(store, user: User, detail: dict) -> None:
    store.audit(AuditAction.CHANGE, "user", str(user.id), person=user.person, detail=detail)


@app.command("disable")
def users_disable(email: EmailArg) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    from copilot.accounts import check_email

    email = check_email(email)
    with open_store() as store:
        user = store.set_user_disabled(email, True)
        _changed(store, user, {"email": user.email, "disabled": True})
    stderr().print(f"disabled {user.email}: sessions ended, tokens refused", markup=False)


@app.command("reset-password")
def users_reset_password(email: EmailArg, password_stdin: PasswordStdinOpt = False) -> None:
    """Set a new password; prints a one-time one alone on stdout unless --password-stdin."""
    from copilot import accounts

    email = accounts.check_email(email)
    password = read_password(password_stdin)
    with open_store() as store:
        user = store.user(email)  # an unknown email is refused before anything is hashed
        secret = accounts.reset_password(store, email, password)
        _changed(store, user, {"email": user.email, "password": "reset"})
    stderr().print(f"new password set for {user.email}", markup=False)
    print_secret(secret if password is None else None, "one-time password")
