"""Around the LLM engine: prompts, chunking, settings, fallback, summary, CLI and API plumbing."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from pathlib import Path

import pytest
from api_auth import signed_in

from copilot import pipeline
from copilot.analyze.base import FakeExtractor, MeetingContext
from copilot.analyze.llm import LLMExtractor, LLMOptions, build_extractor
from copilot.analyze.llm.chunks import chunk, estimate_tokens, merge
from copilot.analyze.llm.client import api_key, build_chat
from copilot.analyze.llm.fake import FakeEndpoint, reply, step
from copilot.analyze.llm.prompts import PROMPTS_DIR, fill, id_ranges, load_prompt
from copilot.analyze.llm.server import free_port
from copilot.analyze.summary import extractive_summary
from copilot.errors import ConfigError, EngineError
from copilot.ingest.formats import parse_text
from copilot.models import Extraction, Fact, NextStep
from copilot.settings import get_settings

DAY = dt.date(2026, 3, 2)
CTX = MeetingContext(date=DAY, manager="Claire", report="Julien")


@pytest.fixture(autouse=True)
def no_sdk_keys(monkeypatch):
    for name in ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


# -- prompts ------------------------------------------------------------------------------------
def test_released_prompts_never_change():
    released = (PROMPTS_DIR / "RELEASED").read_text().split("\n")
    entries = [line.split() for line in released if line.strip()]
    assert entries, "RELEASED lists no prompt"
    for digest, rel in entries:
        data = (PROMPTS_DIR / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, (
            f"{rel} was released and must not change: copy it to a new version instead")


@pytest.mark.parametrize("task", ["extract", "summary"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_task_has_a_prompt_per_language_with_known_placeholders(task, lang):
    p = load_prompt(task, "v1", lang)
    assert p.label == f"{task}/v1.{lang}"
    for part in (p.system, p.user, p.retry):
        for name in re.findall(r"\{\{(\w+)\}\}", part):
            assert name in {"date", "weekday", "manager", "report", "part", "open", "close",
                            "transcript", "ids", "max_items", "candidates", "error"}
    assert "{{transcript}}" in p.user and "{{transcript}}" not in p.system
    assert "{{error}}" in p.retry


def test_an_unknown_prompt_version_says_which_exist():
    with pytest.raises(ConfigError) as err:
        load_prompt("extract", "v9", "fr")
    assert "v1.fr.md" in err.value.hint and "COPILOT_LLM_PROMPT_VERSION" in err.value.hint


def test_text_put_into_a_prompt_is_never_expanded_again():
    out = fill("{{manager}}: {{transcript}}", {"manager": "Claire",
                                               "transcript": "[1] Julien: {{manager}}"})
    assert out == "Claire: [1] Julien: {{manager}}"
    assert id_ranges([5, 1, 2, 3, 7, 8]) == "1-3, 5, 7-8"


# -- chunking -----------------------------------------------------------------------------------
def _hour_long():
    from eval.bench import build_transcript

    return parse_text(build_transcript(60), filename="long.txt")


def test_a_long_meeting_is_split_under_the_budget_with_overlap():
    t = _hour_long()
    parts = chunk(t.utterances, budget=2000)
    assert len(parts) > 3
    for p in parts:
        assert sum(estimate_tokens(u.text) + 8 for u in p) <= 2000
    ids = [u.id for p in parts for u in p]
    assert set(ids) == {u.id for u in t.utterances}
    for a, b in itertools.pairwise(parts):
        assert [u.id for u in a[-2:]] == [u.id for u in b[:2]]  # two turns of overlap


def test_a_long_meeting_is_analysed_in_parts_and_merged():
    t = _hour_long()

    def answer(body):
        ids = [int(x) for x in re.findall(r"^\[(\d+)\]", next(
            m["content"] for m in body["messages"] if m["role"] == "user"), re.MULTILINE)]
        # The same step from the overlapping last turn of each part: merged, not repeated.
        return reply(summary=f"Partie {ids[0]}.", facts=[
            {"text": "signé le contrat avec Dupont", "evidence": [ids[-1]]}])

    fake = FakeEndpoint([answer])
    ext = LLMExtractor(fake.chat(), LLMOptions(ner=False, chunk_tokens=3000)).extract(
        t, MeetingContext(date=DAY, manager="Claire", report="Julien"))
    n = len(fake.requests)
    assert n > 1 and ext.run.usage.chunks == n and ext.run.usage.calls == n
    assert "Partie 1 sur" in fake.user_text(0)
    assert ext.summary.count("Partie") == n


def test_merge_removes_the_duplicates_the_overlap_creates():
    s1 = NextStep(owner="Julien", action="envoyer le plan", evidence=[9, 10])
    s2 = NextStep(owner="julien", action="Envoyer le plan", evidence=[10], due=DAY,
                  due_text="lundi")
    merged = merge([Extraction(next_steps=[s1], summary="a"),
                    Extraction(next_steps=[s2], summary="b")])
    (only,) = merged.next_steps
    assert only.evidence == [9, 10] and only.due == DAY and merged.summary == "a b"


# -- settings and building ----------------------------------------------------------------------
def test_settings_accept_the_three_engines_and_the_sdk_key(monkeypatch):
    monkeypatch.setenv("COPILOT_ENGINE", "hybrid")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-sdk-env")
    s = get_settings()
    assert s.engine == "hybrid" and api_key(s) == "sk-from-sdk-env"
    monkeypatch.setenv("COPILOT_LLM_API_KEY", "sk-ours")
    assert api_key(get_settings()) == "sk-ours"
    assert "sk-ours" not in repr(get_settings())  # SecretStr
    monkeypatch.setenv("COPILOT_ENGINE", "gpt")
    with pytest.raises(ValueError):
        get_settings()


def test_no_configuration_changes_nothing():
    s = get_settings()
    assert s.engine == "rules" and s.llm.base_url is None and not s.llm.fallback


def test_a_missing_key_is_a_clear_config_error():
    with pytest.raises(ConfigError) as err:
        build_chat(get_settings(engine="llm"))
    assert "OPENAI_API_KEY" in err.value.hint and "COPILOT_LLM_BASE_URL" in err.value.hint
    # A local server needs no key.
    chat = build_chat(get_settings(engine="llm", llm={"base_url": "http://127.0.0.1:1/v1"}))
    assert chat.model_name == "gpt-4o-mini"


def test_azure_is_built_from_the_same_settings():
    s = get_settings(engine="llm", llm={"provider": "azure", "model": "my-deployment",
                                        "base_url": "https://acme.openai.azure.com",
                                        "api_key": "k", "allow_remote": True})
    chat = build_chat(s)
    assert type(chat).__name__ == "AzureChatOpenAI" and chat.deployment_name == "my-deployment"


def _closed_port_settings(**llm):
    return get_settings(engine="llm", llm={"base_url": f"http://127.0.0.1:{free_port()}/v1",
                                           "max_retries": 0, "timeout": 5, **llm})


def test_an_unreachable_endpoint_fails_clearly_without_fallback(monkeypatch):
    rules = FakeExtractor(name="rules")
    monkeypatch.setattr(pipeline, "_rules_engine", lambda: rules)
    t = parse_text("Claire: Tu m'envoies le plan ?\nJulien: Oui.", filename="m.txt")
    with pytest.raises(EngineError) as err:
        pipeline.analyze_transcript(t, manager="Claire", report="Julien", date=DAY,
                                    settings=_closed_port_settings())
    assert "cannot reach the LLM endpoint http://127.0.0.1" in err.value.message
    assert "COPILOT_LLM_FALLBACK" in err.value.hint and rules.history == []


def test_the_fallback_to_rules_is_never_silent(monkeypatch):
    rules = FakeExtractor(name="rules").enqueue(Extraction(
        facts=[Fact(text="Le plan est prêt.", evidence=[2])]))
    monkeypatch.setattr(pipeline, "_rules_engine", lambda: rules)
    t = parse_text("Claire: Le plan est prêt ?\nJulien: Oui, le plan est prêt.", filename="m.txt")
    a = pipeline.analyze_transcript(t, manager="Claire", report="Julien", date=DAY,
                                    settings=_closed_port_settings(fallback=True))
    assert a.engine == "rules" and a.facts[0].text == "Le plan est prêt."
    warning = next(w for w in a.warnings if w.code == "llm_fallback")
    assert "cannot reach" in warning.message
    assert a.privacy.endpoint_host == "127.0.0.1" and not a.privacy.remote_call


def test_a_missing_key_also_falls_back_when_asked():
    rules = FakeExtractor(name="rules")
    engine = build_extractor(get_settings(engine="llm", llm={"fallback": True}), lambda: rules)
    ext = engine.extract(parse_text("Claire: Bonjour.", filename="m.txt"), CTX)
    assert ext.run.engine == "rules" and "no API key" in ext.warnings[0].message
    assert not ext.run.privacy.remote_call and ext.run.privacy.endpoint_host is None


# -- extractive summary (rules engine) ------------------------------------------------------------
def test_the_extractive_summary_quotes_the_sentences_behind_the_items():
    t = parse_text(
        "Claire: Bonjour Julien, comment vas-tu ?\n"
        "Julien: Bien. On a signé le contrat Dupont mardi, 120 000 euros sur deux ans.\n"
        "Claire: Super. Il fait beau aujourd'hui, non ?\n"
        "Julien: Je t'envoie le plan de relance des comptes dormants vendredi.\n"
        "Claire: Merci beaucoup.\n", filename="m.txt")
    ext = Extraction(
        facts=[Fact(text="On a signé le contrat Dupont mardi", evidence=[2])],
        next_steps=[NextStep(owner="Julien", action="envoyer le plan de relance",
                             evidence=[4])])
    summary, evidence = extractive_summary(t, ext)
    assert evidence == [2, 4]
    assert summary.startswith("Julien: On a signé le contrat Dupont")
    assert "Julien: Je t'envoie le plan de relance" in summary and "beau" not in summary


def test_the_extractive_summary_without_items_and_without_words():
    t = parse_text("Claire: Le budget formation est validé pour le trimestre.\nJulien: Ok.",
                   filename="m.txt")
    summary, evidence = extractive_summary(t, Extraction())
    assert evidence == [1] and "budget formation" in summary
    assert extractive_summary(parse_text("Claire: Ok.\nJulien: Oui.", filename="m.txt"),
                              Extraction()) == (None, [])


def test_the_rules_engine_analysis_gets_an_extractive_summary(monkeypatch):
    fake = FakeExtractor(name="rules").enqueue(Extraction(next_steps=[
        NextStep(owner="Julien", action="envoyer le plan", evidence=[2])]))
    t = parse_text("Claire: Et le plan ?\nJulien: Je t'envoie le plan de relance vendredi.",
                   filename="m.txt")
    a = pipeline.analyze_transcript(t, manager="Claire", report="Julien", date=DAY,
                                    extractor=fake)
    assert a.summary_evidence == [2] and a.model is None and a.prompt_version is None
    assert not a.privacy.remote_call and a.usage is None


# -- front ends -----------------------------------------------------------------------------------
def test_cli_engine_flag_reaches_the_llm_and_reports_an_unreachable_endpoint(
        tmp_path: Path, monkeypatch, capsys):
    from copilot.cli import run

    path = tmp_path / "m.txt"
    path.write_text("Claire: Tu m'envoies le plan ?\nJulien: Oui, vendredi.\n", encoding="utf-8")
    monkeypatch.setenv("COPILOT_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("COPILOT_LLM_MAX_RETRIES", "0")
    code = run(["analyze", str(path), "--manager", "Claire", "--report", "Julien",
                "--engine", "llm", "--no-save", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "error: cannot reach the LLM endpoint" in err
    assert run(["analyze", str(path), "--manager", "Claire", "--report", "Julien",
                "--engine", "gpt"]) == 2


def test_api_engine_field_uses_the_llm_and_maps_its_failure_to_502(monkeypatch):

    from api.main import create_app

    settings = _closed_port_settings()
    with signed_in(create_app(settings)) as client:
        r = client.post("/v1/meetings", json={
            "transcript": "Claire: Tu m'envoies le plan ?\nJulien: Oui.", "manager": "Claire",
            "report": "Julien", "date": "2026-03-02", "engine": "llm"})
        assert r.status_code == 502, r.text
        assert r.json()["error"]["code"] == "engine_error"
        r = client.post("/v1/meetings", json={"transcript": "x", "manager": "Claire",
                                              "report": "Julien", "engine": "gpt"})
        assert r.status_code == 422


def test_api_engine_field_with_a_scripted_endpoint(monkeypatch):

    from api.main import create_app

    fake = FakeEndpoint([reply(summary="Julien envoie le plan.", next_steps=[
        step("Julien", "envoyer le plan", [1, 2], "vendredi")])])
    engine = LLMExtractor(fake.chat(), LLMOptions(ner=False))
    monkeypatch.setenv("COPILOT_REQUEST_ENGINES", "llm")  # COPILOT_ENGINE stays rules
    with signed_in(create_app(get_settings(), extractor=engine)) as client:
        r = client.post("/v1/meetings", json={
            "transcript": "Claire: Tu m'envoies le plan ?\nJulien: Oui, vendredi.",
            "manager": "Claire", "report": "Julien", "date": "2026-03-02", "engine": "llm"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["engine"] == "llm" and body["summary"] == "Julien envoie le plan."
    assert body["privacy"] == {"remote_call": True, "endpoint_host": "llm.example.com",
                               "redacted": False}
    assert body["next_steps"][0]["due"] == "2026-03-06" and body["usage"]["calls"] == 1


def test_get_extractor_builds_each_engine_from_settings(monkeypatch):
    from copilot.analyze.llm import FallbackExtractor, HybridExtractor

    monkeypatch.setattr(pipeline, "_rules_engine", lambda: FakeExtractor(name="rules"))
    local = {"llm": {"base_url": "http://127.0.0.1:8080/v1", "model": "qwen"}}
    llm = pipeline.get_extractor(get_settings(engine="llm", **local))
    assert isinstance(llm, LLMExtractor) and llm.endpoint.model == "qwen"
    assert not llm.endpoint.remote and llm.options.prompt_version == "v1"
    assert isinstance(pipeline.get_extractor(get_settings(engine="hybrid", **local)),
                      HybridExtractor)
    assert isinstance(pipeline.get_extractor(get_settings(engine="llm", llm={"fallback": True})),
                      FallbackExtractor)
    assert pipeline.get_extractor(get_settings()).name == "rules"


def test_the_eval_comparison_sums_cost_and_scores_per_engine():
    from rich.console import Console

    from eval.compare import side_by_side, summarise
    from eval.scoring import PRF

    rows = [{"seconds": 2.0, "usage": {"calls": 2, "retries": 1, "prompt_tokens": 900,
                                       "completion_tokens": 300}, "dropped": {"facts.text": 1},
             "model": "m", "prompt_version": "extract/v1.fr"},
            {"seconds": 4.0, "error": "EngineError: boom", "usage": {"calls": 1,
             "prompt_tokens": 100, "completion_tokens": 50}}]
    s = summarise(rows, [{"next_steps": PRF(1, 1, 0)}, {"next_steps": PRF(0, 0, 2)}])
    assert (s["failed"], s["seconds_mean"], s["calls"], s["retries"]) == (1, 3.0, 3, 1)
    assert (s["prompt_tokens"], s["completion_tokens"], s["dropped"]) == (1000, 350,
                                                                         {"facts.text": 1})
    assert s["scores"]["next_steps"]["tp"] == 1 and s["prompt_version"] == ["extract/v1.fr"]
    console = Console(width=120, record=True)
    console.print(side_by_side({"rules": summarise([{"seconds": 0.1}], [{}]), "llm": s}))
    out = console.export_text()
    assert "llm (m)" in out and "3 (1)" in out and "1,000" in out
