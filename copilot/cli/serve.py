"""`copilot serve`: the HTTP API under uvicorn."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import copy
import ipaddress
from typing import Annotated, Any

import typer

from copilot.cli.common import settings, stderr


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus our `copilot.*` loggers (the access log of api/middleware.py,
    which replaces uvicorn's: uvicorn's logs the raw path, where people's names travel)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["copilot"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    config["handlers"]["copilot"] = {"formatter": "copilot", "class": "logging.StreamHandler",
                                     "stream": "ext://sys.stderr"}
    config["loggers"]["copilot"] = {"handlers": ["copilot"], "level": "INFO", "propagate": False}
    return config


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    config = settings()  # a bad setting is one clear line here, not a traceback inside uvicorn
    if not is_loopback(host):
        # No accounts yet: anyone who reaches the port reads everything. Not refused (yet),
        # but said, with the setting that a non-loopback deployment needs.
        stderr().print(f"warning: listening on {host} without accounts; "
                       "COPILOT_ALLOWED_HOSTS must list the names clients use (now: "
                       f"{','.join(config.server.allowed_hosts)})", markup=False, soft_wrap=True)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, access_log=False,
                log_config=log_config())
