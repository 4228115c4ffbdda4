"""Whether a URL points off this machine: what "leaves the machine" means for every engine that
can send a meeting somewhere (the LLM endpoint, a transcription server). Each refuses such a
URL before any connection unless its own COPILOT_*_ALLOW_REMOTE says so."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_off_machine(url: str) -> bool:
    """True unless the URL's host is this machine (127.0.0.0/8, ::1, localhost)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed URL (bad IPv6 brackets): cannot tell where it goes
        return True
    if not host:
        return True  # cannot tell: assume it leaves
    if host == "localhost":  # not *.localhost: a resolver may send those anywhere
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name other than localhost: assume another machine
