"""Polling a background job through the API until it ends (shared by the audio API tests)."""

from __future__ import annotations

import time


def wait(client, url, timeout=30.0) -> dict:
    """The job at `url` once done or failed; fails the test after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = client.get(url).json()
        if body["stage"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job still {body}")
