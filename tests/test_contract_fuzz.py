"""Contract fuzzing: schemathesis generates requests for every operation of the app's own
OpenAPI and checks each answer against it: never a 5xx, a status the operation documents,
the declared content type and a body that matches the declared schema.

In-process (the ASGI app, no network), authenticated with real tokens in a real store: each
operation is called by a user its policy admits (the manager, else the admin or HR of the same
organisation), so the fuzz gets past the 401/403 and reaches the code. Random path ids only
ever answer 404, so operations with path parameters are also fuzzed on real objects (the
destructive ones on objects kept for that). Bounded and derandomized: the same cases on every
run (CI must not flake), about a minute on two cores.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import schemathesis
from conftest import make_analysis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import Policy, route_policies
from api.main import create_app
from copilot import accounts
from copilot.analyze.base import FakeExtractor
from copilot.ingest.diarize import FakeDiarizer
from copilot.ingest.speech import AudioEngines
from copilot.ingest.transcribe import FakeTranscriber
from copilot.ingest.voiceprint import FakeEncoder
from copilot.memory.store import Store
from copilot.models import AccountRole, Sharing, TokenScope
from copilot.settings import get_settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
FREE_EXAMPLES = 20  # per operation, any parameters
PINNED_EXAMPLES = 8  # per operation with path parameters, on real objects
USERS = {"manager": ("Claire", AccountRole.MANAGER, None),
         "report": ("Julien", AccountRole.REPORT, "manager"),
         "admin": ("Ada Admin", AccountRole.ADMIN, None),
         "hr": ("Hugo", AccountRole.HR, None)}


@pytest.fixture
def world(light_store):
    """Claire led m1 and m2 with Julien (recaps shared, a next step in m2), m3 (to be deleted)
    and m4 with Zoé (to be erased); a job j1; a token of hers to be revoked."""
    with Store.open(get_settings()) as store:
        emails = {}
        for who, (name, role, boss) in USERS.items():
            emails[who] = f"{who}@example.org"
            accounts.add_user(store, emails[who], name, role,
                              manager=emails[boss] if boss else None)
        claire = store.acting_as(store.principal_for_user(store.user(emails["manager"]).id))
        for analysis in (make_analysis("m1"), make_analysis("m2", date=dt.date(2026, 3, 9)),
                         make_analysis("m3", date=dt.date(2026, 3, 16)),
                         make_analysis("m4", report="Zoé")):
            claire.save(analysis)
        for meeting in ("m1", "m2"):
            claire.set_sharing(meeting, Sharing(recap=True))
        claire.create_job("j1", upload="uploads/j1.wav", filename="walk.wav",
                          params={"manager": "Claire", "report": "Julien"})
        step = next(c.id for c in claire.commitments(report="Julien"))
        spare = accounts.issue_token(store, emails["manager"]).info.id
    return {"emails": emails, "step": step, "spare": spare}


_policies = route_policies


def _caller(policy: Policy | None) -> str:
    if policy is None or policy.roles is None or AccountRole.MANAGER in policy.roles:
        return "manager"
    return "admin" if AccountRole.ADMIN in policy.roles else "hr"


def _pinned(operation, world) -> dict[str, object]:
    """Real objects for the path parameters; the destructive operations get their victims."""
    delete = operation.method.upper() == "DELETE"
    real = {"meeting_id": "m3" if delete else "m1", "name": "Zoé" if delete else "Julien",
            "commitment_id": world["step"], "job_id": "j1", "token_id": world["spare"],
            "kind": "facts", "index": 0, "key": "open_commitment:1"}
    if operation.path.startswith("/v1/managers/"):
        real["name"] = "Claire"
    return {p.name: real[p.name] for p in operation.path_parameters}


def _audio() -> AudioEngines:
    """Fakes: an upload the fuzz makes look like audio must not load Whisper."""
    return AudioEngines(transcriber=FakeTranscriber.from_turns([], language="fr"),
                        diarizer=FakeDiarizer([]), encoder=FakeEncoder())


def _fuzz(operation, strategy, examples: int, token, tally: dict) -> str | None:
    """Runs `examples` cases; returns what failed (None: nothing)."""

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        tally["cases"] += 1
        # A fresh token for every case: a fuzzed DELETE /v1/tokens/{id} may revoke the last one.
        case.call_and_validate(headers={"Authorization": f"Bearer {token()}"}, checks=CHECKS)

    try:
        run()
    # schemathesis raises a BaseExceptionGroup; every failure is reported, not only the first
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001
        return f"{operation.method.upper()} {operation.path}: {exc}"[:2000]
    return None


def test_every_operation_keeps_its_contract(world):
    started = time.monotonic()
    app = create_app(extractor=FakeExtractor(), audio=_audio())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schemes = schema.raw_schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {**schemes["HTTPBearer"], "type": "http", "scheme": "bearer"}
    assert schemes["APIKeyCookie"]["in"] == "cookie"
    policies = _policies(app)
    operations = [result.ok() for result in schema.get_all_operations()]
    tally, failures = {"cases": 0}, []
    with Store.open(get_settings()) as store:
        for operation in operations:
            key = f"{operation.method.upper()} {operation.path}"
            policy = policies[key]
            if policy is not None and policy.roles is not None:  # every protected route says so
                assert operation.definition.raw.get("security") == [
                    {"HTTPBearer": []}, {"APIKeyCookie": []}], key
                assert {"401", "403"} <= set(operation.definition.raw["responses"]), key
            email = world["emails"][_caller(policy)]

            def token(email=email):
                return accounts.issue_token(store, email, TokenScope.WRITE).token

            runs = [(operation.as_strategy(), FREE_EXAMPLES)]
            if operation.path_parameters:
                runs.append((operation.as_strategy(path_parameters=_pinned(operation, world)),
                             PINNED_EXAMPLES))
            failures += [f for strategy, n in runs
                         if (f := _fuzz(operation, strategy, n, token, tally))]
    elapsed = time.monotonic() - started
    print(f"\ncontract fuzz: {len(operations)} operations, {tally['cases']} cases, "
          f"{len(failures)} failing, {elapsed:.0f} s")
    assert len(operations) >= 39
    assert failures == [], "\n\n".join(failures)



def test_stored_instants_are_answered_with_their_offset(world):
    """SQLite hands datetimes back without a zone; the API said `date-time` (RFC 3339, which
    needs an offset) and answered a commitment's events as "2026-03-02T10:00:00" (the fuzz
    above found it)."""
    app = create_app(extractor=FakeExtractor())
    with Store.open(get_settings()) as store:
        token = accounts.issue_token(store, world["emails"]["manager"], TokenScope.WRITE).token
    step = f"/v1/commitments/{world['step']}"
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.patch(step, json={"status": "done"}).status_code == 200
        events = client.get(step).json()["events"]
    assert events and all(dt.datetime.fromisoformat(e["at"]).tzinfo for e in events)
