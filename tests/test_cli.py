"""The `copilot` CLI contract: JSON on stdout, one `error: ` line on stderr, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_analysis, make_extraction, step

from copilot import cli, pipeline, workflow
from copilot.analyze.base import FakeExtractor
from copilot.memory import Store
from copilot.models import Analysis

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPT = (
    "Claire: Comment s'est passée la démo avec le client ?\n"
    "Julien: Très bien, ils veulent une deuxième session. Je t'envoie le deck vendredi.\n"
    "Claire: Parfait. De mon côté je relance les achats.\n"
    "Julien: Merci, ça nous débloquerait.\n"
)


@pytest.fixture
def fake(monkeypatch) -> FakeExtractor:
    extractor = FakeExtractor().enqueue(make_extraction(
        step("envoyer le deck", due=dt.date(2026, 3, 6), evidence=[2]),
        step("relancer les achats", owner="Claire", role="manager", evidence=[3]),
    ))
    monkeypatch.setattr(pipeline, "get_extractor", lambda settings: extractor)
    return extractor


@pytest.fixture
def transcript(tmp_path) -> Path:
    path = tmp_path / "meeting.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def stored(settings) -> list[str]:
    with Store.open(settings) as store:
        return [m.id for m in store.list()]


# -- analyze -------------------------------------------------------------------------------


def test_analyze_json_is_exactly_one_object_and_is_stored(capsys, fake, transcript, settings):
    code, out, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                         "--report", "Julien", "--date", "2026-03-02", "--json")
    assert code == 0, err
    body = json.loads(out)  # fails on anything printed besides the one document
    analysis = Analysis.model_validate(body)
    assert body == analysis.model_dump(mode="json")
    assert (analysis.manager, analysis.report, analysis.date) == ("Claire", "Julien",
                                                                  dt.date(2026, 3, 2))
    assert analysis.source == "meeting.txt" and analysis.engine == "fake"
    assert [n.action for n in analysis.next_steps] == ["envoyer le deck", "relancer les achats"]
    assert stored(settings) == [analysis.id]
    assert f"saved as meeting {analysis.id}" in err
    # The engine got the meeting's context.
    (_, ctx), = fake.history
    assert (ctx.manager, ctx.report, ctx.date) == ("Claire", "Julien", dt.date(2026, 3, 2))


def test_analyze_human_output_shows_items_with_evidence(capsys, fake, transcript, settings):
    code, out, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                         "--report", "Julien", "--date", "2026-03-02")
    assert code == 0, err
    [meeting_id] = stored(settings)
    for expected in ("2026-03-02", "Claire", "Julien", "meeting.txt",
                     "La démo client [ACME] s'est bien passée. [#2]", "positive", "behavior",
                     "Dis ce qui a marché.", "envoyer le deck", "due 2026-03-06", "[#1, #2]",
                     "relancer les achats", f"saved as meeting {meeting_id}"):
        assert expected in out, expected


def test_no_save_stores_nothing(capsys, fake, transcript, settings):
    code, out, _ = run(capsys, "analyze", str(transcript), "--manager", "Claire", "--report",
                       "Julien", "--no-save", "--json")
    assert code == 0 and json.loads(out)["report"] == "Julien"
    assert stored(settings) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--date", "2026-13-45"], ["not a date", "YYYY-MM-DD"]),
        (["--date", "yesterday"], ["not a date"]),
        (["--lang", "de"], ["--lang", "de"]),
        (["--report", "CLAIRE"], ["same person"]),
    ],
)
def test_analyze_bad_options_are_one_line_errors(capsys, fake, transcript, args, words):
    base = {"--manager": "Claire", "--report": "Julien"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["analyze", str(transcript), *[x for kv in base.items() for x in kv]]
    assert_user_error(*run(capsys, *argv), *words)
    assert fake.history == []  # refused before any analysis


def test_missing_empty_and_binary_files_are_one_line_errors(capsys, fake, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    for path, word in ((tmp_path / "missing.txt", "missing.txt"), (empty, "empty"),
                       (binary, "binary"), (tmp_path, "directory")):
        assert_user_error(*run(capsys, "analyze", str(path), "--manager", "Claire",
                               "--report", "Julien"), word)


def test_missing_required_option_is_a_usage_error(capsys, transcript):
    assert_user_error(*run(capsys, "analyze", str(transcript), "--manager", "Claire"),
                      "--report")


def test_unexpected_exception_is_one_line_internal_error(capsys, transcript, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(workflow, "analyze_source", broken)
    code, out, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                         "--report", "Julien")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        ("error: internal error: RuntimeError: boom "
         "(rerun with COPILOT_DEBUG=1 to see the traceback)")]
    monkeypatch.setenv("COPILOT_DEBUG", "1")
    code, _, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                       "--report", "Julien")
    assert code == 1 and "Traceback" in err and "RuntimeError: boom" in err


def test_ctrl_c_exits_130_quietly(capsys, transcript, monkeypatch):
    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(workflow, "analyze_source", interrupted)
    code, out, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                         "--report", "Julien")
    assert code == 130 and out == "" and "error" not in err and "Traceback" not in err


def test_real_process_exit_codes(tmp_path, transcript):
    # Through the interpreter, as users run it: exit status and stderr from main().
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPILOT_")}
    env |= {"COPILOT_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "copilot.cli", "analyze", str(transcript), "--manager", "Claire",
         "--report", "Julien", "--lang", "klingon"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and len(proc.stderr.splitlines()) == 1


# -- meetings and agenda -------------------------------------------------------------------


@pytest.fixture
def two_meetings(store):
    store.save(make_analysis("jan", dt.date(2026, 1, 5), steps=[
        step("envoyer le deck", due=dt.date(2026, 1, 20)),
        step("préparer la revue", due=dt.date(2026, 4, 1)),
    ]))
    store.save(make_analysis("feb", dt.date(2026, 2, 2), report="Zoé"))
    return store


def test_meetings_list_json_and_human(capsys, two_meetings):
    code, out, _ = run(capsys, "meetings", "list", "--json")
    assert code == 0
    assert [(m["id"], m["report"], m["next_steps"]) for m in json.loads(out)] == [
        ("feb", "Zoé", 1), ("jan", "Julien", 2)]
    code, out, _ = run(capsys, "meetings", "list", "--report", "zoe", "--json")
    assert [m["id"] for m in json.loads(out)] == ["feb"]
    code, out, _ = run(capsys, "meetings", "list")
    assert code == 0 and "jan" in out and "2026-02-02" in out and "Zoé" in out


def test_meetings_show_json_round_trips(capsys, two_meetings):
    code, out, _ = run(capsys, "meetings", "show", "jan", "--json")
    assert code == 0
    assert Analysis.model_validate_json(out) == two_meetings.get("jan")
    code, out, _ = run(capsys, "meetings", "show", "jan")
    # A talk table, the shares and the longest monologue line all come from Analysis.talk.
    assert code == 0 and "manager share 47%" in out and "1 open, 0 closed" in out
    assert "few_open_questions: Only one question asked. [#1]" in out and "[ACME]" in out


def test_unknown_meeting_is_a_one_line_error(capsys, two_meetings):
    assert_user_error(*run(capsys, "meetings", "show", "nope"), "nope", "copilot meetings list")
    assert_user_error(*run(capsys, "meetings", "delete", "nope", "--yes"), "nope")


def test_delete_needs_yes_when_nobody_can_answer(capsys, two_meetings, settings):
    assert_user_error(*run(capsys, "meetings", "delete", "jan"), "--yes")
    code, _, err = run(capsys, "meetings", "delete", "jan", "--yes")
    assert code == 0 and "deleted meeting jan" in err
    assert stored(settings) == ["feb"]


def test_agenda_json_and_human(capsys, two_meetings):
    code, out, _ = run(capsys, "agenda", "--report", "JULIEN", "--date", "2026-03-02", "--json")
    assert code == 0
    body = json.loads(out)
    assert (body["report"], body["date"]) == ("Julien", "2026-03-02")
    assert [(i["kind"], i["text"], i["owner"], i["due"], i["overdue"], i["from_meeting"])
            for i in body["items"]] == [
        ("open_commitment", "envoyer le deck", "Julien", "2026-01-20", True, "jan"),
        ("open_commitment", "préparer la revue", "Julien", "2026-04-01", False, "jan"),
    ]
    code, out, _ = run(capsys, "agenda", "--report", "Julien", "--date", "2026-03-02")
    [overdue] = [line for line in out.splitlines() if "envoyer le deck" in line]
    assert code == 0 and "OVERDUE" in overdue
    assert "OVERDUE" not in next(line for line in out.splitlines() if "revue" in line)


def test_agenda_bad_date_and_unknown_person(capsys, two_meetings):
    assert_user_error(*run(capsys, "agenda", "--report", "Julien", "--date", "03/02/2026"),
                      "not a date")
    code, out, _ = run(capsys, "agenda", "--report", "Personne", "--json")
    assert code == 0 and json.loads(out)["items"] == []


def test_corrupt_database_is_a_one_line_error(capsys, copilot_env):
    copilot_env.mkdir()
    (copilot_env / "copilot.db").write_bytes(b"garbage" * 1000)
    assert_user_error(*run(capsys, "meetings", "list"), "corrupt")


def test_serve_runs_uvicorn_on_the_app_factory(capsys, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    assert run(capsys, "serve", "--port", "8123")[0] == 0
    [(args, kwargs)] = calls
    assert args == ("api.main:create_app",)
    assert {k: kwargs[k] for k in ("factory", "host", "port")} == {
        "factory": True, "host": "127.0.0.1", "port": 8123}


@pytest.mark.slow
def test_end_to_end_with_the_real_engine(capsys, transcript, settings):
    code, out, err = run(capsys, "analyze", str(transcript), "--manager", "Claire",
                         "--report", "Julien", "--date", "2026-03-02", "--json")
    assert code == 0, err
    analysis = Analysis.model_validate_json(out)
    assert analysis.engine != "fake" and analysis.language == "fr"
    assert analysis.utterances and stored(settings) == [analysis.id]
