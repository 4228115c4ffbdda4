"""Server administration from the CLI: `copilot users ...`, `copilot tokens ...`, and the
refusal of `copilot serve --host 0.0.0.0` while no account exists."""

from __future__ import annotations

import io
import json

import pytest
from test_cli import assert_user_error

from copilot import accounts, cli
from copilot.errors import AuthError
from copilot.memory import Store
from copilot.models import AuditAction

PASSWORD = "correct horse battery"


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal: read, not prompted
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cmd(capsys, monkeypatch):
    return lambda *args, stdin="": run(capsys, monkeypatch, *args, stdin=stdin)


def snapshot(settings) -> tuple:
    """Everything an account command may change: users, tokens, organisations, audit."""
    with Store.open(settings) as store:
        return (store.users(), store.tokens(), store.organisations(), store.audit_entries())


def audit(settings) -> list:
    with Store.open(settings) as store:
        return store.audit_entries()


def add_manager(cmd, email: str = "claire@acme.org", name: str = "Claire Martin") -> str:
    code, out, err = cmd("users", "add", email, "--name", name, "--role", "manager")
    assert code == 0, err
    return out.strip()


# -- users add ------------------------------------------------------------------------------


def test_users_add_prints_the_one_time_password_alone_and_it_logs_in(cmd, settings):
    code, out, err = cmd("users", "add", "Claire@Acme.org", "--name", "Claire Martin",
                         "--role", "manager")
    assert code == 0, err
    [password] = out.splitlines()  # nothing else on stdout
    assert len(password) >= accounts.MIN_PASSWORD and password not in err
    assert "claire@acme.org" in err
    with Store.open(settings) as store:
        session = accounts.login(store, settings, "claire@acme.org", password)
    assert session.principal.email == "claire@acme.org"


def test_users_add_with_password_stdin_prints_no_secret_and_that_password_logs_in(cmd,
                                                                                 settings):
    code, out, err = cmd("users", "add", "ana@acme.org", "--name", "Ana", "--role", "admin",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out == "" and PASSWORD not in err
    with Store.open(settings) as store:
        assert accounts.login(store, settings, "ana@acme.org", PASSWORD).principal.role == "admin"
        with pytest.raises(AuthError):
            accounts.login(store, settings, "ana@acme.org", PASSWORD + "x")


def test_users_add_links_a_report_to_their_manager_in_another_org(cmd, settings):
    assert cmd("users", "add", "boss@beta.org", "--name", "Bea Boss", "--role", "manager",
               "--org", "Beta")[0] == 0
    code, _, err = cmd("users", "add", "rep@beta.org", "--name", "Rémi Report", "--role",
                         "report", "--org", "Beta", "--manager", "BOSS@beta.org")
    assert code == 0, err
    with Store.open(settings) as store:
        user = store.user("rep@beta.org")
    assert (user.org, user.manager, user.person) == ("Beta", "boss@beta.org", "Rémi Report")


def test_users_add_writes_an_audit_entry_without_the_password(cmd, settings):
    password = add_manager(cmd)
    [entry] = audit(settings)
    assert (entry.action, entry.object_kind, entry.actor) == (AuditAction.CREATE, "user", None)
    assert "claire@acme.org" in entry.detail and "manager" in entry.detail
    assert password not in entry.detail


@pytest.mark.parametrize(("args", "stdin", "words"), [
    (("not-an-email", "--name", "X", "--role", "admin"), "", ("email",)),
    (("a@acme.org", "--name", "X", "--role", "boss"), "", ("boss",)),
    (("a@acme.org", "--name", "X", "--role", "admin", "--password-stdin"), "short\n",
     ("too short",)),
    (("a@acme.org", "--name", "X", "--role", "admin", "--password-stdin"), "", ("too short",)),
    (("a@acme.org", "--name", "\u200b", "--role", "admin"), "", ("invisible",)),
    (("a@acme.org", "--name", "X", "--role", "report", "--manager", "nobody@acme.org"), "",
     ("nobody@acme.org",)),
    (("a@new.org", "--name", "X", "--role", "report", "--org", "New", "--manager",
      "claire@acme.org"), "", ("not a manager",)),
    (("claire@acme.org", "--name", "Other", "--role", "admin", "--org", "New"), "",
     ("exists already",)),
])
def test_users_add_mistakes_are_one_line_and_change_nothing(cmd, settings, args, stdin, words):
    add_manager(cmd)
    before = snapshot(settings)
    assert_user_error(*cmd("users", "add", *args, stdin=stdin), *words)
    assert snapshot(settings) == before  # no user, no new --org, no audit entry


# -- users list, disable, reset-password --------------------------------------------------------


def test_users_list_json_and_table_and_org_filter(cmd):
    add_manager(cmd)
    cmd("users", "add", "hr@beta.org", "--name", "Hugo", "--role", "hr", "--org", "Beta")
    code, out, err = cmd("users", "list", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert [u["email"] for u in body] == ["claire@acme.org", "hr@beta.org"]
    assert all("password" not in json.dumps(u) for u in body)
    code, out, _ = cmd("users", "list", "--org", "Beta", "--json")
    assert [u["email"] for u in json.loads(out)] == ["hr@beta.org"]
    code, out, _ = cmd("users", "list")
    assert code == 0 and "claire@acme.org" in out and "active" in out
    assert_user_error(*cmd("users", "list", "--org", "Nowhere"), "Nowhere")


def test_users_disable_stops_login_and_tokens_and_is_audited(cmd, settings):
    password = add_manager(cmd)
    token = cmd("tokens", "create", "claire@acme.org")[1].strip()
    code, out, err = cmd("users", "disable", "claire@acme.org")
    assert code == 0 and out == "", err
    with Store.open(settings) as store:
        assert store.user("claire@acme.org").disabled
        with pytest.raises(AuthError):
            accounts.login(store, settings, "claire@acme.org", password)
        with pytest.raises(AuthError):
            accounts.principal_for_token(store, token)
    entry = audit(settings)[0]
    assert (entry.action, entry.object_kind) == (AuditAction.CHANGE, "user")
    assert "disabled=True" in entry.detail
    assert_user_error(*cmd("tokens", "create", "claire@acme.org"), "disabled")


def test_users_reset_password_prints_a_new_one_and_the_old_one_stops(cmd, settings):
    old = add_manager(cmd)
    code, out, err = cmd("users", "reset-password", "claire@acme.org")
    assert code == 0, err
    [new] = out.splitlines()
    assert new != old
    with Store.open(settings) as store:
        accounts.login(store, settings, "claire@acme.org", new)
        with pytest.raises(AuthError):
            accounts.login(store, settings, "claire@acme.org", old)
    code, out, err = cmd("users", "reset-password", "claire@acme.org", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0 and out == "", err
    with Store.open(settings) as store:
        accounts.login(store, settings, "claire@acme.org", PASSWORD)
    entries = audit(settings)
    assert [e.detail for e in entries[:2]] == ["email=claire@acme.org, password=reset"] * 2
    assert not any(PASSWORD in (e.detail or "") or new in (e.detail or "") for e in entries)


def test_users_disable_and_reset_mistakes_change_nothing(cmd, settings):
    add_manager(cmd)
    before = snapshot(settings)
    assert_user_error(*cmd("users", "disable", "nobody@acme.org"), "nobody@acme.org")
    assert_user_error(*cmd("users", "reset-password", "nobody@acme.org"), "nobody@acme.org")
    assert_user_error(*cmd("users", "reset-password", "claire@acme.org", "--password-stdin",
                           stdin="tiny\n"), "too short")
    assert snapshot(settings) == before


# -- tokens ---------------------------------------------------------------------------------


def test_tokens_create_prints_the_token_alone_and_it_authenticates(cmd, settings):
    add_manager(cmd)
    code, out, err = cmd("tokens", "create", "claire@acme.org", "--scope", "write",
                         "--days", "7")
    assert code == 0, err
    assert out.endswith("\n") and out.count("\n") == 1  # `TOKEN=$(...)` captures it alone
    token = out.strip()
    assert token.startswith(accounts.TOKEN_PREFIX) and token not in err
    with Store.open(settings) as store:
        principal = accounts.principal_for_token(store, token)
        [info] = store.tokens()
    assert principal.email == "claire@acme.org" and principal.may_write()
    assert round((info.expires_at - info.created_at).total_seconds() / 86400) == 7
    entry = audit(settings)[0]
    assert (entry.action, entry.object_kind, entry.object_id) == (AuditAction.CREATE, "token",
                                                                  str(info.id))
    assert token not in entry.detail and "scope=write" in entry.detail


def test_tokens_create_defaults_to_read_for_90_days(cmd, settings):
    add_manager(cmd)
    token = cmd("tokens", "create", "claire@acme.org")[1].strip()
    with Store.open(settings) as store:
        assert not accounts.principal_for_token(store, token).may_write()
        [info] = store.tokens()
    assert info.scope == "read"
    assert round((info.expires_at - info.created_at).total_seconds() / 86400) == 90


@pytest.mark.parametrize(("args", "words"), [
    (("nobody@acme.org",), ("nobody@acme.org",)),
    (("claire@acme.org", "--days", "0"), ("--days 0",)),
    (("claire@acme.org", "--days", "99999"), ("--days 99999",)),
    (("claire@acme.org", "--days", "soon"), ("--days",)),
    (("claire@acme.org", "--scope", "admin"), ("admin",)),
])
def test_tokens_create_mistakes_change_nothing(cmd, settings, args, words):
    add_manager(cmd)
    before = snapshot(settings)
    assert_user_error(*cmd("tokens", "create", *args), *words)
    assert snapshot(settings) == before


def test_tokens_list_never_shows_a_token(cmd):
    add_manager(cmd)
    cmd("users", "add", "hr@acme.org", "--name", "Hugo", "--role", "hr")
    first = cmd("tokens", "create", "claire@acme.org")[1].strip()
    second = cmd("tokens", "create", "hr@acme.org", "--scope", "write")[1].strip()
    code, out, err = cmd("tokens", "list", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert [(t["user"], t["scope"], t["revoked"]) for t in body] == [
        ("claire@acme.org", "read", False), ("hr@acme.org", "write", False)]
    code, table, _ = cmd("tokens", "list")
    code, mine, _ = cmd("tokens", "list", "HR@acme.org", "--json")
    assert [t["user"] for t in json.loads(mine)] == ["hr@acme.org"]
    for text in (out, table, mine):
        assert first not in text and second not in text and accounts.TOKEN_PREFIX not in text
    assert "claire@acme.org" in table
    assert_user_error(*cmd("tokens", "list", "nobody@acme.org"), "nobody@acme.org")


def test_a_revoked_token_no_longer_authenticates(cmd, settings):
    add_manager(cmd)
    token = cmd("tokens", "create", "claire@acme.org")[1].strip()
    with Store.open(settings) as store:
        accounts.principal_for_token(store, token)  # works before
        [info] = store.tokens()
    code, out, err = cmd("tokens", "revoke", str(info.id))
    assert code == 0 and out == "", err
    with Store.open(settings) as store:
        with pytest.raises(AuthError):
            accounts.principal_for_token(store, token)
        assert store.tokens()[0].revoked
    entry = audit(settings)[0]
    assert (entry.action, entry.object_kind, entry.object_id) == (AuditAction.CHANGE, "token",
                                                                  str(info.id))
    assert "revoked=True" in entry.detail and token not in entry.detail


@pytest.mark.parametrize("token_id", ["42", "99999999999999999999", "abc"])
def test_tokens_revoke_an_unknown_id_is_a_user_error(cmd, settings, token_id):
    add_manager(cmd)
    before = snapshot(settings)
    assert_user_error(*cmd("tokens", "revoke", token_id))
    assert snapshot(settings) == before


# -- serve off loopback ---------------------------------------------------------------------


@pytest.fixture
def uvicorn_calls(monkeypatch) -> list:
    import uvicorn

    calls: list = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    return calls


def test_serve_refuses_a_public_host_while_no_user_exists(cmd, uvicorn_calls):
    assert_user_error(*cmd("serve", "--host", "0.0.0.0"),
                      "no user", "copilot users add EMAIL --name NAME --role admin")
    assert uvicorn_calls == []
    assert cmd("serve")[0] == 0  # loopback needs no account: the local owner's own server
    assert [k["host"] for k in uvicorn_calls] == ["127.0.0.1"]


def test_serve_refuses_when_every_user_is_disabled(cmd, uvicorn_calls):
    add_manager(cmd)
    cmd("users", "disable", "claire@acme.org")
    assert_user_error(*cmd("serve", "--host", "192.168.1.5"), "no user")
    assert uvicorn_calls == []


def test_serve_with_users_warns_only_while_allowed_hosts_is_loopback(cmd, uvicorn_calls,
                                                                     monkeypatch):
    add_manager(cmd)
    monkeypatch.delenv("COPILOT_ALLOWED_HOSTS")  # the default: loopback names
    code, _, err = cmd("serve", "--host", "0.0.0.0")
    assert code == 0
    [line] = err.strip().splitlines()
    assert line.startswith("warning:") and "COPILOT_ALLOWED_HOSTS" in line
    monkeypatch.setenv("COPILOT_ALLOWED_HOSTS", "copilot.example.com")
    code, _, err = cmd("serve", "--host", "0.0.0.0")
    assert code == 0 and err == ""
    assert [k["host"] for k in uvicorn_calls] == ["0.0.0.0", "0.0.0.0"]
