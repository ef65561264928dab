"""Build an adapter from its ``[sources.NAME]`` configuration and the environment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import httpx

from scoreline.sources import api_football, football_data_co_uk, football_data_org
from scoreline.sources.api_football import ApiFootball
from scoreline.sources.clock import Clock
from scoreline.sources.config import SourceConfig
from scoreline.sources.errors import SourceAuthError
from scoreline.sources.football_data_co_uk import FootballDataCoUk
from scoreline.sources.football_data_org import FootballDataOrg
from scoreline.sources.http import RetryPolicy, SourceClient
from scoreline.sources.pacing import PacingRules
from scoreline.sources.teams import Competitions

__all__ = ["Adapter", "build_source"]

Adapter = FootballDataOrg | ApiFootball | FootballDataCoUk
_KEY_HEADERS = {
    football_data_org.KIND: football_data_org.KEY_HEADER,
    api_football.KIND: api_football.KEY_HEADER,
}
_RULES = {
    football_data_org.KIND: football_data_org.RULES,
    api_football.KIND: api_football.RULES,
    football_data_co_uk.KIND: PacingRules(),
}


def build_source(
    name: str,
    config: SourceConfig,
    *,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    transport: httpx.BaseTransport | None = None,
    competitions: Competitions | None = None,
    observer: Callable[[str, str], None] | None = None,
) -> Adapter:
    """The adapter of one configured source, with its own client.

    Args:
        name: The table's name (``[sources.fd]`` -> ``fd``), used in every message.
        config: The table.
        env: Where keys are read (``os.environ`` by default).
        clock: The client's clock (tests pass a ``ManualClock``).
        transport: An httpx transport for the client (the default one otherwise).
        competitions: The competition table (the bundled one by default).
        observer: Told ``(name, outcome)`` as each request ends (for ``/metrics``).

    Raises:
        SourceAuthError: when the source needs a key and its variable is not set.
    """
    key = config.api_key(env)
    headers: dict[str, str] = {}
    if config.kind in _KEY_HEADERS:
        if key is None:
            raise SourceAuthError(
                f"no key: set the environment variable {config.api_key_env}", source=name
            )
        headers[_KEY_HEADERS[config.kind]] = key
    client = SourceClient(
        source=name,
        base_url=config.url,
        headers=headers,
        secrets=(key,) if key else (),
        rules=_rules(config),
        retry=RetryPolicy(
            attempts=config.attempts, timeout_s=config.timeout_s, max_wait_s=config.max_wait_s
        ),
        clock=clock,
        transport=transport,
        observer=observer,
    )
    if config.kind == football_data_org.KIND:
        return FootballDataOrg(client, competitions=competitions)
    if config.kind == api_football.KIND:
        return ApiFootball(client, competitions=competitions)
    return FootballDataCoUk(client, competitions=competitions)


def _rules(config: SourceConfig) -> PacingRules:
    """The kind's free-tier pacing with the configured overrides."""
    rules = _RULES[config.kind]
    return replace(
        rules,
        per_minute=config.per_minute or rules.per_minute,
        daily_quota=config.daily_quota or rules.daily_quota,
        quota_reserve=config.quota_reserve,
    )
