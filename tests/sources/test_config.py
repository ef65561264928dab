"""``[sources.NAME]`` validation and building an adapter from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from scoreline.sources import (
    ApiFootball,
    FootballDataCoUk,
    FootballDataOrg,
    SourceAuthError,
    SourceConfig,
    build_source,
)


def test_the_issue_example_validates_and_builds() -> None:
    config = SourceConfig(
        kind="football-data.org",
        base_url="https://api.football-data.org/v4",
        api_key_env="FOOTBALL_DATA_TOKEN",
        competitions=("PL", "BL1", "PD", "SA", "FL1", "CL"),
    )
    source = build_source("fd", config, env={"FOOTBALL_DATA_TOKEN": "t"})
    assert isinstance(source, FootballDataOrg) and source.name == "fd"
    assert source.client.pacing.rules.per_minute == 10


def test_defaults_are_the_real_services_and_free_tiers() -> None:
    config = SourceConfig(kind="api-football", api_key_env="API_FOOTBALL_KEY")
    assert config.url == "https://v3.football.api-sports.io"
    source = build_source("af", config, env={"API_FOOTBALL_KEY": "k"})
    assert isinstance(source, ApiFootball)
    assert source.client.pacing.rules.daily_quota == 100
    csv_source = build_source("csv", SourceConfig(kind="football-data.co.uk"), env={})
    assert isinstance(csv_source, FootballDataCoUk)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "football-data.org"}, "needs api_key_env"),
        (
            {"kind": "api-football", "api_key_env": "K", "competitions": ["PX"]},
            "unknown competition 'PX'",
        ),
        ({"kind": "football-data.co.uk", "base_url": "ftp://x"}, "http(s) URL"),
        ({"kind": "sportmonks"}, "kind"),
        ({"kind": "football-data.co.uk", "api_key": "x"}, "Extra inputs"),
    ],
)
def test_bad_entries_are_refused_naming_the_problem(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SourceConfig.model_validate(fields)


def test_a_missing_key_names_the_variable_never_a_value() -> None:
    config = SourceConfig(kind="football-data.org", api_key_env="FOOTBALL_DATA_TOKEN")
    with pytest.raises(SourceAuthError, match="set the environment variable FOOTBALL_DATA_TOKEN"):
        build_source("fd", config, env={})


def test_overrides_reach_the_pacing() -> None:
    config = SourceConfig(
        kind="api-football", api_key_env="K", daily_quota=7500, per_minute=300, quota_reserve=50
    )
    rules = build_source("af", config, env={"K": "k"}).client.pacing.rules
    assert (rules.daily_quota, rules.per_minute, rules.quota_reserve) == (7500, 300, 50)
