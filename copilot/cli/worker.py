"""`copilot worker`: a Celery worker (prefork) running jobs from the Redis queue.

A GPU worker is the same command with COPILOT_WHISPER_DEVICE=cuda in its environment; give it
`--queues audio` and leave the texts to CPU workers.
"""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

import logging
import os
import socket
from typing import Annotated

import typer

from copilot.cli.common import open_store, settings
from copilot.errors import ConfigError, InputError

QUEUES = ("audio", "text")


def _queues(value: str) -> list[str]:
    names = [q.strip() for q in value.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if not names or unknown:
        raise InputError(f"unknown queue {', '.join(unknown) if unknown else repr(value)}",
                         "use --queues audio,text (or one of them)")
    return names


def _reachable(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise ConfigError(f"the job queue at COPILOT_BROKER_URL cannot be reached ({exc})",
                          "start Redis, or fix COPILOT_BROKER_URL") from None


def worker(
    queues: Annotated[str, typer.Option("--queues", help="Queues to take jobs from, "
                                        "comma-separated: audio (recordings), text.")]
    = "audio,text",
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, max=256, help="Jobs at once (processes). Default: 1 when "
        "taking recordings (transcription uses every core), else the number of cores.")]
    = None,
) -> None:
    """Run jobs from the queue (COPILOT_BROKER_URL), sweeping for those of dead workers."""
    names = _queues(queues)
    config = settings()
    if not config.queue.broker_url:
        raise ConfigError("no job queue is configured (COPILOT_BROKER_URL is not set)",
                          "set COPILOT_BROKER_URL=redis://HOST:6379/0")
    _reachable(config.queue.broker_url)
    with open_store(config):  # migrations once, here, before the children start
        pass
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(processName)s %(name)s %(message)s")
    from celery.signals import after_setup_logger, worker_ready, worker_shutdown

    from copilot.logs import configure_logging
    from copilot.queue import Sweeper, celery_app

    # Our own lines (copilot.*) in COPILOT_LOG_FORMAT, with the job id, once Celery has set
    # up its logging (it replaces the root logger's handlers); the pool's children inherit it.
    after_setup_logger.connect(lambda **_: configure_logging(config), weak=False)

    app = celery_app(config)
    sweeper = Sweeper(config)
    worker_ready.connect(lambda **_: sweeper.start(), weak=False)
    worker_shutdown.connect(lambda **_: sweeper.stop(), weak=False)
    count = concurrency or (1 if "audio" in names else os.cpu_count() or 1)
    name = f"copilot-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(["worker", "--pool", "prefork", "--queues", ",".join(names),
                     "--concurrency", str(count), "--loglevel", "INFO", "--without-gossip",
                     "--without-mingle", "--hostname", name])
