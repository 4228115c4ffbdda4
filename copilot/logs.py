"""Log lines as text or as JSON (COPILOT_LOG_FORMAT), with the request id and the job id.

`copilot serve` and `copilot worker` log through `configure_logging` / `log_config`: one
line per record. In JSON, one object per line with time, level, logger and message, plus
`request_id` (set by api/middleware.py for the whole request) and `job_id` (set by
`job_context` while a job runs) when there is one, and the access log's route and status;
a log shipper parses it without a regular expression.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("job_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_EXTRA = ("route", "status", "method", "millis")  # the access log's fields (middleware)


@contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Every line logged inside carries `job_id` (both formats: text adds ` job_id=...`)."""
    token = JOB_ID.set(job_id)
    try:
        yield
    finally:
        JOB_ID.reset(token)


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


class ContextFilter(logging.Filter):
    """Copies the ids of the context onto each record (an `extra=` given wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (("request_id", REQUEST_ID), ("job_id", JOB_ID)):
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        job = getattr(record, "job_id", None)
        return f"{line} job_id={job}" if job and "job_id=" not in line else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in ("request_id", "job_id", *_EXTRA):
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def formatter_config(log_format: str) -> dict[str, Any]:
    """The dictConfig entry of the formatter for `log_format` (text or json)."""
    return {"()": JsonFormatter if log_format == "json" else TextFormatter}


def copilot_handlers(log_format: str) -> dict[str, Any]:
    """Formatters, filters, handlers and loggers of `copilot.*` for a dictConfig."""
    return {
        "formatters": {"copilot": formatter_config(log_format)},
        "filters": {"copilot_context": {"()": ContextFilter}},
        "handlers": {"copilot": {"formatter": "copilot", "class": "logging.StreamHandler",
                                 "stream": "ext://sys.stderr", "filters": ["copilot_context"]}},
        "loggers": {"copilot": {"handlers": ["copilot"], "level": "INFO",
                                "propagate": False}},
    }


def configure_logging(settings: Any) -> None:
    """Log `copilot.*` to stderr in the configured format (a worker, or any process that is
    not `copilot serve`, whose uvicorn config holds the same, see copilot/cli/serve.py)."""
    config = {"version": 1, "disable_existing_loggers": False,
              **copilot_handlers(settings.server.log_format)}
    logging.config.dictConfig(config)
