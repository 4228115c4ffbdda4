"""The web pages: server-rendered HTML (Jinja2) in the API's own FastAPI app, in French and
English, signed in with the API's session cookie and CSRF token, calling the same library
functions as the JSON routes. `web.install(app)` mounts them; see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """Mount the pages on `app` (imported here: the package itself stays light)."""
    from web.site import install as mount

    mount(app)
