"""The configuration of one data source, ``[sources.NAME]`` (``Config`` wires it in).

Keys never live in the file: a source names the environment variable holding its key.
Pacing defaults are the free tiers (football-data.org 10 a minute; API-Football 100 a day
and 10 a minute); a paid plan raises them here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoreline.sources.teams import Competitions, UnknownCompetitionError

__all__ = ["DEFAULT_BASE_URLS", "KINDS", "SourceConfig"]

SourceKind = Literal["football-data.org", "api-football", "football-data.co.uk"]
KINDS: tuple[str, ...] = ("football-data.org", "api-football", "football-data.co.uk")
DEFAULT_BASE_URLS = {
    "football-data.org": "https://api.football-data.org/v4",
    "api-football": "https://v3.football.api-sports.io",
    "football-data.co.uk": "https://www.football-data.co.uk",
}
_NEEDS_KEY = frozenset({"football-data.org", "api-football"})


class SourceConfig(BaseModel):
    """One ``[sources.NAME]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SourceKind
    base_url: str = ""
    """Where the source answers; empty: the real service (overridable, e.g. the stand-in)."""
    api_key_env: str | None = None
    """Name of the environment variable holding the key (required for the two APIs)."""
    competitions: tuple[str, ...] = ()
    """Codes of any source (``PL``, ``E0``, ``39``); checked against the identity table."""
    priority: int = Field(100, ge=0)
    """Lower wins: when sources disagree on a result, the lowest priority's is kept."""
    timeout_s: float = Field(10.0, gt=0, allow_inf_nan=False)
    attempts: int = Field(4, ge=1, le=10)
    """Tries of one request (timeouts, connection errors, 5xx, 429), the first included."""
    per_minute: int | None = Field(None, ge=1)
    """Requests a minute we allow ourselves; unset: the kind's free tier."""
    daily_quota: int | None = Field(None, ge=1)
    """Requests a UTC day; unset: the kind's free tier (API-Football 100)."""
    quota_reserve: int = Field(0, ge=0)
    """Requests kept back from the daily quota."""
    max_wait_s: float = Field(90.0, gt=0, allow_inf_nan=False)
    """A 429 asking for a longer wait fails instead of waiting."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and urlparse(value).scheme not in ("http", "https"):
            raise ValueError(f"base_url must be an http(s) URL, not {value!r}")
        return value.rstrip("/")

    @field_validator("competitions")
    @classmethod
    def _known_competitions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        table = Competitions.bundled()
        for code in value:
            try:
                table.resolve(code)
            except UnknownCompetitionError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _key_named(self) -> SourceConfig:
        if self.kind in _NEEDS_KEY and not self.api_key_env:
            raise ValueError(f"a {self.kind} source needs api_key_env (the variable of its key)")
        return self

    @property
    def url(self) -> str:
        """``base_url``, or the real service's."""
        return self.base_url or DEFAULT_BASE_URLS[self.kind]

    def api_key(self, env: Mapping[str, str] | None = None) -> str | None:
        """The key from the environment, or ``None`` when unset (or not needed)."""
        if self.api_key_env is None:
            return None
        return (env if env is not None else os.environ).get(self.api_key_env) or None
