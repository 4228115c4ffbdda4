"""In Chromium: signing in, the new-1:1 page (upload, record, progress, errors), the French
UI, and axe-core on the main pages at desktop and phone sizes (with their screenshots)."""

from __future__ import annotations

import re
import uuid

import pytest

from copilot.memory.store import Store
from tests.browser.browser_kit import (
    EXAMPLE,
    MANAGER,
    VIEWPORTS,
    screenshot,
    serious_violations,
    sign_in,
    wait_until,
)

MEETING = re.compile(r".*/meetings/[^/?]+$")


def _job(server, stage: str = "transcribing", percent: float = 40.0, **fields) -> str:
    """A job row of Claire's, as the worker leaves it mid-way (nothing runs it)."""
    job_id = f"j-{uuid.uuid4().hex[:8]}"
    with Store.open(server["settings"]) as store:
        claire = store.principal_for_user(store.user(MANAGER).id)
        as_claire = store.acting_as(claire)
        as_claire.create_job(job_id, upload=f"uploads/{job_id}.ogg",
                             filename="walking_meeting_fr.ogg",
                             params={"manager": "Claire", "report": "Julien"})
        as_claire.update_job(job_id, stage=stage, percent=percent, **fields)
    return job_id


def test_signing_in_opens_the_home_page(open_page) -> None:
    page = open_page(signed_in=None)
    sign_in(page, MANAGER)
    assert page.url.endswith("/")
    assert page.locator("h1").first.inner_text() == "My 1:1s"
    assert page.locator(".who").inner_text() == "Claire"


def test_uploading_the_example_recording_shows_progress_then_the_meeting(open_page) -> None:
    page = open_page()
    page.goto("/meetings/new")
    page.set_input_files("#file", str(EXAMPLE))
    page.fill("#report", "Julien")
    page.fill("#date", "2026-03-02")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/jobs/[^/]+$"))
    assert page.locator("progress#job-progress").count() == 1
    status = page.locator("#job-status")
    assert status.get_attribute("aria-live") == "polite"
    # The transcriber takes ~1.2 s in steps: the status moves past the first stages.
    wait_until(page, "document.getElementById('job-progress').value > 0")
    page.wait_for_url(MEETING, timeout=30_000)


def test_a_corrupt_recording_is_refused_on_the_form_with_its_message(open_page) -> None:
    page = open_page()
    page.goto("/meetings/new")
    page.set_input_files("#file", files=[{"name": "walk.ogg", "mimeType": "audio/ogg",
                                          "buffer": b"OggS" + b"\x00garbage" * 400}])
    page.fill("#report", "Julien Bernard")
    page.click("#submit")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "walk.ogg" in alert.inner_text()
    assert page.input_value("#report") == "Julien Bernard"  # the fields are kept


def test_an_empty_notes_file_is_refused_with_its_message(open_page) -> None:
    page = open_page()
    page.goto("/meetings/new")
    page.set_input_files("#file", files=[{"name": "notes.txt", "mimeType": "text/plain",
                                          "buffer": b""}])
    page.fill("#report", "Julien")
    page.click("#submit")
    assert page.get_by_role("alert").inner_text().strip() != ""
    assert page.url.endswith("/meetings/new")


def test_a_job_that_fails_while_watched_shows_its_error_and_hint(open_page, server) -> None:
    job_id = _job(server)
    page = open_page()
    page.goto(f"/jobs/{job_id}")
    assert page.locator("#job-error").is_hidden()
    with Store.open(server["settings"]) as store:
        store.update_job(job_id, stage="failed", error={
            "code": "engine_error", "message": "speech recognition failed: out of memory",
            "hint": "retry with a shorter recording"})
    alert = page.locator("#job-error[role=alert]")
    alert.wait_for(state="visible", timeout=5_000)  # the page polls every second
    assert "out of memory" in alert.inner_text()
    assert "retry with a shorter recording" in alert.inner_text()


def test_recording_in_the_browser_uploads_the_recording(open_page) -> None:
    page = open_page()
    page.goto("/meetings/new")
    assert page.evaluate("window.isSecureContext")  # loopback counts as secure
    assert page.locator("#record-insecure").is_hidden()
    page.click("#record-start")
    wait_until(page, "document.getElementById('record-timer').textContent === '0:02'")
    page.click("#record-stop")
    wait_until(page, "document.getElementById('file').files.length === 1")
    name = page.evaluate("document.getElementById('file').files[0].name")
    assert re.fullmatch(r"1on1-\d{4}-\d\d-\d\d\.(webm|m4a|ogg)", name)
    page.fill("#report", "Julien")
    page.click("#submit")
    page.wait_for_url(MEETING, timeout=30_000)


def test_the_french_ui(open_page) -> None:
    page = open_page(locale="fr-FR", signed_in=None)
    page.goto("/login")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_by_label("Adresse e-mail").count() == 1
    sign_in(page, MANAGER)
    page.goto("/meetings/new")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_by_role("button", name="Enregistrer", exact=True).is_visible()
    assert page.get_by_label("Date du 1:1").count() == 1
    screenshot(page, "new-meeting-fr-desktop")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_main_pages_have_no_serious_accessibility_problem(open_page, server,
                                                              viewport) -> None:
    job_id = _job(server, stage="transcribing", percent=42.0)
    anonymous = open_page(viewport, signed_in=None)
    pages = {"login": (anonymous, "/login")}
    page = open_page(viewport)
    pages |= {"home": (page, "/"), "new-meeting": (page, "/meetings/new"),
              "progress": (page, f"/jobs/{job_id}")}
    found = {}
    for name, (tab, path) in pages.items():
        tab.goto(path)
        found[name] = serious_violations(tab)
        screenshot(tab, f"{name}-{viewport}")
    assert found == {name: [] for name in pages}, found
