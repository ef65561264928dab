"""``[sources.NAME]``, the live ``[schedule]`` and ``[prompt]``: validated at load, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreline.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scoreline.toml"
    path.write_text(text)
    return path


def test_sources_schedule_and_prompt_are_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[sources.fd]\nkind = "football-data.org"\napi_key_env = "FD_TOKEN"\n'
            'competitions = ["PL", "BL1"]\npriority = 1\n'
            "[schedule]\nlive_poll_every_s = 30\nteam_news_before_min = [360, 60]\n"
            "[prompt]\ninclude_odds = true\n",
        )
    )
    assert config.sources["fd"].competitions == ("PL", "BL1")
    assert config.schedule.live_poll_every_s == 30
    assert config.schedule.fixtures_every_s == 3 * 3600  # the defaults
    assert config.schedule.odds_before_min == 120
    assert config.schedule.result_missing_after_min == 360
    assert config.prompt.include_odds is True
    assert load_config(write(tmp_path, "")).prompt.include_odds is False  # off by default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[sources.fd]\nkind = "football-data.org"\napi_key = "abc"\n',
            "sources.fd.api_key: keys may not",
        ),
        (
            '[sources.fd]\nkind = "football-data.org"\n',
            "sources.fd: Value error, a football-data.org source needs api_key_env",
        ),
        ('[sources.fd]\nkind = "soccer"\n', "sources.fd.kind"),
        (
            '[sources.x]\nkind = "football-data.co.uk"\ncompetitions = ["XX"]\n',
            "sources.x.competitions",
        ),
        ("sources = 3\n", "sources: Input should be a valid dictionary"),
        ("[schedule]\nlive_poll_every_s = 1\n", "schedule.live_poll_every_s"),
    ],
)
def test_a_bad_entry_is_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
    assert "abc" not in str(caught.value)
