"""Settings, read from `COPILOT_*` environment variables when `get_settings()` is called.

Never instantiated at import time, so tests and the API can build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".copilot",
        description="Every piece of state (database, uploads, models) lives under this folder.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite at HOME/copilot.db."
    )
    engine: Literal["rules"] = Field(default="rules", description="Extraction engine.")
    language: Literal["auto", "fr", "en"] = "auto"
    # Critique thresholds. Defaults come from ../shared/domain/ONE_ON_ONES.md: a 1:1 belongs to
    # the report, so a manager above 60% of the talk gets a warning.
    manager_share_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # Below this share of open questions (among at least `min_questions` asked), warn.
    open_question_share_threshold: float = Field(default=0.34, ge=0.0, le=1.0)
    min_questions: int = Field(default=3, ge=1)
    max_input_bytes: int = Field(default=20_000_000, ge=1, description="Largest text upload.")

    @field_validator("home", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        return Path(value).expanduser() if isinstance(value, (str, Path)) else value

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'copilot.db'}"


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment now (not at import), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]
