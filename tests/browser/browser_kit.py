"""What the browser tests share besides their fixtures (tests/browser/conftest.py): where
Chromium, axe-core and the screenshots are, signing in, axe's serious violations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright never downloads one
# `make install` puts axe-core (npm) inside the virtual environment.
AXE = next((p for p in (Path(sys.prefix) / "npm", ROOT / ".venv" / "npm")
            if (p / "node_modules/axe-core/axe.min.js").exists()),
           Path(sys.prefix) / "npm") / "node_modules/axe-core/axe.min.js"
SHOTS = ROOT / "docs" / "screenshots"
EXAMPLE = ROOT / "examples" / "walking_meeting_fr.ogg"
PASSWORD = "correct horse battery staple"
MANAGER, REPORT = "claire@example.org", "julien@example.org"
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


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> nth=0")
    page.wait_for_url(lambda url: not url.endswith("/login") and "/login?" not in url)


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not AXE.exists():
        missing(f"no axe-core at {AXE} (make install runs npm install axe-core)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    """docs/screenshots/NAME.png: the README shows them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), animations="disabled")
