"""What the browser tests share besides their fixtures (tests/browser/conftest.py): where
Chromium, axe-core and the screenshots are, signing in, axe's serious violations."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright never downloads one
# `make install` puts axe-core (npm) inside the virtual environment.
AXE = next((p for p in (Path(sys.prefix) / "npm", ROOT / ".venv" / "npm")
            if (p / "node_modules/axe-core/axe.min.js").exists()),
           Path(sys.prefix) / "npm") / "node_modules/axe-core/axe.min.js"
SHOTS = ROOT / "docs" / "screenshots"
# Read at import: tests/conftest.py clears every COPILOT_* variable before each test.
SAVE_SHOTS = os.environ.get("COPILOT_SCREENSHOTS") == "1"
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
PASSWORD = "correct horse battery staple"
MANAGER, REPORT, ADMIN = "claire@example.org", "julien@example.org", "alice@example.org"
WALK_ACTION = "Mettre à jour le tableau de bord des ventes"  # the `walk` meeting's step alone
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Root in a container, on a closed network: no sandbox, no GPU, nothing that calls home. The
# fake media devices let the Record button be tested (a tone, permission granted).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def missing(what: str) -> None:
    """Skip, or fail under CI (where the browser tests must run)."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {what}", pytrace=False)
    pytest.skip(what)


def new_context(chromium, url: str, viewport: str = "desktop", locale: str = "en-GB"):
    context = chromium.new_context(base_url=url, locale=locale, viewport=VIEWPORTS[viewport],
                                   is_mobile=viewport == "phone", has_touch=viewport == "phone")
    context.set_default_timeout(15_000)
    return context


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` until it is true. Playwright's wait_for_function compiles its
    argument in the page, which the pages' CSP (no eval) rightly refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> nth=0")
    page.wait_for_url(lambda url: not url.endswith("/login") and "/login?" not in url)


def upload(page, date: str, report: str = "Julien") -> str:
    """Upload the example recording through the new-1:1 page; the new meeting's id once its
    page opens (the fake engines take about two seconds)."""
    page.goto("/meetings/new")
    page.set_input_files("#file", str(EXAMPLE))
    page.fill("#report", report)
    page.fill("#date", date)
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/meetings/[^/?#]+$"), timeout=30_000)
    return page.url.rsplit("/", 1)[1]


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not AXE.exists():
        missing(f"no axe-core at {AXE} (make install runs npm install axe-core)")
    # Evaluated through the DevTools protocol, not added as a <script>: the pages' CSP refuses
    # inline scripts, as it should, and the check must run on the pages as users get them.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    """NAME.png, in docs/screenshots (the README shows them) when COPILOT_SCREENSHOTS=1, else
    in a temporary folder: always taken, but a plain run leaves no PNG diff in the tree."""
    folder = SHOTS if SAVE_SHOTS else Path(tempfile.gettempdir()) / "copilot-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), animations="disabled")
