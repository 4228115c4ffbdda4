"""Settings are grouped by subsystem in code, and keep their flat `COPILOT_*` names outside."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from copilot.settings import AudioSettings, defaults, get_settings


def test_each_group_reads_its_flat_environment_names(monkeypatch):
    monkeypatch.setenv("COPILOT_MIN_QUESTIONS", "5")
    monkeypatch.setenv("COPILOT_TREND_MIN_MEETINGS", "4")
    monkeypatch.setenv("COPILOT_CLOSE_THRESHOLD", "0.7")
    monkeypatch.setenv("COPILOT_LLM_MODEL", "qwen")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("COPILOT_WHISPER_DEVICE", "cuda")
    s = get_settings()
    assert s.critique.min_questions == 5 and s.coaching.trend_min_meetings == 4
    assert s.memory.close_threshold == 0.7 and s.llm.model == "qwen"
    assert s.llm.openai_api_key.get_secret_value() == "sk-test"
    assert s.audio.whisper_device == "cuda"


def test_defaults_ignore_the_environment(monkeypatch):
    monkeypatch.setenv("COPILOT_MIN_QUESTIONS", "9")
    assert defaults().critique.min_questions == 3
    assert get_settings().critique.min_questions == 9


def test_a_group_given_as_a_model_still_reads_the_environment_for_the_rest(monkeypatch):
    monkeypatch.setenv("COPILOT_NUM_SPEAKERS", "3")
    s = get_settings(audio=AudioSettings(whisper_beam_size=5))
    assert s.audio.whisper_beam_size == 5 and s.audio.num_speakers == 3


def test_an_old_flat_name_is_refused_not_ignored():
    # `get_settings(llm_model=...)` silently ignored would run with another model.
    with pytest.raises(ValidationError):
        get_settings(llm_model="qwen")
    with pytest.raises(ValidationError):
        get_settings(critique={"min_question": 5})


def test_a_bad_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("COPILOT_MANAGER_SHARE_THRESHOLD", "1.5")
    with pytest.raises(ValidationError, match="manager_share_threshold"):
        get_settings()


@pytest.mark.parametrize(("variable", "value"), [
    ("COPILOT_MANAGER_SHARE_THRESHOLD", "1.5"), ("COPILOT_LLM_TIMEOUT", "-1"),
    ("COPILOT_WHISPER_BEAM_SIZE", "99"), ("COPILOT_ENGINE", "gpt"),
    ("COPILOT_CLOSE_THRESHOLD", "2")])
def test_the_cli_names_the_variable_to_fix(monkeypatch, capsys, variable, value):
    from copilot.cli import run

    monkeypatch.setenv(variable, value)
    assert run(["meetings", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {variable} is invalid") and err.count("\n") == 1
