"""`copilot serve`: the HTTP API under uvicorn."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import copy
import ipaddress
from typing import Annotated, Any

import typer

from copilot.cli.common import open_store, settings, stderr
from copilot.errors import InputError
from copilot.settings import LOOPBACK_HOSTS, Settings


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def log_config(log_format: str = "text") -> dict[str, Any]:
    """uvicorn's logging, plus our `copilot.*` loggers (the access log of api/middleware.py,
    which replaces uvicorn's: uvicorn's logs the raw path, where people's names travel), in
    COPILOT_LOG_FORMAT (copilot/logs.py); uvicorn's own lines too when it is json."""
    from uvicorn.config import LOGGING_CONFIG

    from copilot.logs import copilot_handlers, formatter_config

    config = copy.deepcopy(LOGGING_CONFIG)
    for part, entries in copilot_handlers(log_format).items():
        config.setdefault(part, {}).update(entries)
    if log_format == "json":
        config["formatters"]["default"] = formatter_config("json")
    return config


def check_exposable(config: Settings, host: str) -> None:
    """Off loopback, whoever reaches the port may try to log in: refuse while no (enabled)
    account exists, since the server would then serve nobody but an attacker probing it.
    With accounts, warn if the Host allow-list still names loopback only: every client
    reaching the server by its real name would get 400."""
    with open_store(config) as store:
        has_users = store.has_users()
    if not has_users:
        raise InputError(f"refusing to listen on {host}: this home has no user account yet",
                         "add the first admin with `copilot users add EMAIL --name NAME "
                         "--role admin`, or keep the default --host 127.0.0.1")
    if set(config.server.allowed_hosts) <= set(LOOPBACK_HOSTS):
        stderr().print(f"warning: listening on {host} but COPILOT_ALLOWED_HOSTS lists loopback "
                       f"names only ({','.join(config.server.allowed_hosts)}): set it to the "
                       "names clients use, or they get 400", markup=False, soft_wrap=True)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    config = settings()  # a bad setting is one clear line here, not a traceback inside uvicorn
    if not is_loopback(host):
        check_exposable(config, host)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, access_log=False,
                log_config=log_config(config.server.log_format))
