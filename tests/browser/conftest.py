"""Real-browser tests: the app served by uvicorn on loopback, driven by Debian's Chromium
through Playwright (never a downloaded browser).

One server and one browser for the whole session (a context per test is cheap). The app gets
the fake extractor and fake audio engines, in-process (a thread), so an uploaded recording is
"transcribed" in a second from the example's own script. Without Chromium, Playwright or
axe-core the tests skip, except under CI, where they fail: CI must run them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from api.main import create_app
from copilot import accounts
from copilot.analyze.base import FakeExtractor, MeetingContext
from copilot.ingest.diarize import FakeDiarizer, Turn
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.ingest.voiceprint import FakeEncoder
from copilot.memory.store import Store
from copilot.models import AccountRole, Extraction, Fact, NextStep, Transcript
from copilot.settings import get_settings
from tests.browser.browser_kit import (
    ADMIN,
    ARGS,
    CHROMIUM,
    EXAMPLE,
    MANAGER,
    PASSWORD,
    REPORT,
    WALK_ACTION,
    missing,
    new_context,
    sign_in,
    upload,
)


class SlowTranscriber(FakeTranscriber):
    """The example's script, with a few steps of progress: the page has something to show."""

    def transcribe(self, audio, language, progress=None):
        for step in (0.25, 0.5, 0.75):
            time.sleep(0.4)
            if progress:
                progress(step)
        return super().transcribe(audio, language, progress)


@dataclass
class WalkExtractor(FakeExtractor):
    """Queued extractions first, then items read off the walking meeting's own lines: a fact
    and two next steps (each citing its utterance), so the meeting page has evidence to click.
    The report's step is the next of `actions` when a test queued one (a commitment of that
    meeting alone: the same step in two meetings is one chain on the agenda)."""

    actions: list[str] = field(default_factory=list)

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        if self.queue:
            return super().extract(transcript, ctx)
        self.history.append((transcript, ctx))
        lines = [u for u in transcript.utterances if u.speaker]
        if len(lines) < 6:
            return Extraction()
        action = self.actions.pop(0) if self.actions else "Envoyer le rapport mensuel complet"
        return Extraction(
            facts=[Fact(text=lines[1].text, evidence=[lines[1].id])],
            next_steps=[
                NextStep(owner=lines[5].speaker, owner_role=lines[5].role, action=action,
                         due=ctx.date + dt.timedelta(days=7), evidence=[lines[5].id]),
                NextStep(owner=lines[4].speaker, owner_role=lines[4].role,
                         action="Relire le rapport avant l'envoi", evidence=[lines[4].id])])


def _engines() -> AudioEngines:
    truth = json.loads(EXAMPLE.with_suffix(".truth.json").read_text(encoding="utf-8"))
    turns = [(t["start"], t["end"], t["text"]) for t in truth["turns"]]
    speakers = {"Claire": "a", "Julien": "b"}
    return AudioEngines(
        transcriber=SlowTranscriber.from_turns(turns, language="fr"),
        diarizer=FakeDiarizer([Turn(t["start"], t["end"], speakers[t["speaker"]])
                               for t in truth["turns"]]),
        encoder=FakeEncoder())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app on http://127.0.0.1:PORT, with Claire (manager) and Julien (her report)."""
    import uvicorn

    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("COPILOT_")]:
            env.delenv(name)
        env.setenv("COPILOT_HOME", str(tmp_path_factory.mktemp("browser-home")))
        env.setenv("COPILOT_EMBEDDER", "hash")
        env.setenv("COPILOT_VECTOR_STORE", "memory")
        # Every test signs in from 127.0.0.1, a few users each: past the default 10/minute.
        env.setenv("COPILOT_LOGIN_RATE", "1000/minute")
        settings = get_settings()
    with Store.open(settings) as store:
        accounts.add_user(store, MANAGER, "Claire", AccountRole.MANAGER, password=PASSWORD)
        accounts.add_user(store, REPORT, "Julien", AccountRole.REPORT, password=PASSWORD,
                          manager=MANAGER)
        accounts.add_user(store, ADMIN, "Alice", AccountRole.ADMIN, password=PASSWORD)
    extractor = WalkExtractor()
    app = create_app(settings=settings, extractor=extractor, audio=_engines())
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                       lifespan="on"))
    thread = threading.Thread(target=uv.run, name="browser-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start", pytrace=False)
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "settings": settings, "extractor": extractor}
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def walk(server, chromium) -> str:
    """The id of one 1:1 of Claire's with Julien, uploaded once through the new-1:1 page: its
    recording, transcript, fact and next steps are read, never changed, by the tests."""
    server["extractor"].actions.append(WALK_ACTION)
    context = new_context(chromium, server["url"])
    try:
        page = context.new_page()
        sign_in(page, MANAGER)
        return upload(page, "2026-02-02")
    finally:
        context.close()


@pytest.fixture
def open_page(server, chromium) -> Iterator[Callable]:
    """open_page(viewport="desktop", locale="en-GB", signed_in=MANAGER) -> a Page."""
    contexts = []

    def make(viewport: str = "desktop", locale: str = "en-GB", signed_in: str | None = MANAGER):
        context = new_context(chromium, server["url"], viewport, locale)
        contexts.append(context)
        page = context.new_page()
        if signed_in:
            sign_in(page, signed_in)
        return page

    yield make
    for context in contexts:
        context.close()
