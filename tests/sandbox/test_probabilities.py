"""The sandbox states outcome probabilities when asked, and an LLM forecaster returns them.

Real HTTP against the sandbox: the system prompt asks for ``p_home/p_draw/p_away``, the
sandbox answers with them (as fractions; as percentages in ``reasoning_only`` replies;
without them in ``think`` replies), and the forecaster's ``Forecast`` carries what the
parser made of them while the score counts either way.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scoreline import Registry
from scoreline.forecast import Forecast
from scoreline.predict import build_forecasters, context_of
from scoreline.predict.prompt import SYSTEM_PROMPT, FixtureInfo
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.sandbox.replies import answer_text, predict_probabilities, predict_score
from tests.llm.conftest import model, sandbox_config

MATCH = "E0-2024-25-0042"
FIXTURE = FixtureInfo(
    match_id=MATCH,
    competition="E0",
    competition_name="Premier League",
    season="2024-25",
    kickoff_at=datetime(2024, 10, 5, 14, 0, tzinfo=UTC),
    home_team="Arsenal",
    away_team="Southampton",
)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SL_TEST_ALPHA_KEY", "sk-test-alpha")
    monkeypatch.setenv("SL_TEST_BETA_KEY", "sk-test-beta")


async def _forecast(tmp_path: Path, sandbox: SandboxServer, fault: Fault | None) -> Forecast:
    config = sandbox_config(tmp_path, sandbox.base_url, model("p", "alpha"))
    sandbox.set_fault("p-wire", fault)
    async with Registry(config) as registry:
        forecaster = build_forecasters(config, registry)["p"]
        return await forecaster.forecast(context_of(FIXTURE))


def test_the_sandbox_states_plausible_probabilities_only_when_asked() -> None:
    for n in range(300):
        match_id = f"M{n}"
        stated = predict_probabilities("kimi", match_id)
        assert sum(stated) == pytest.approx(1.0, abs=1e-9) and min(stated) > 0
        home, away = predict_score("kimi", match_id)
        if home != away:  # the predicted winner is the favourite
            favourite = 0 if home > away else 2
            assert stated[favourite] == max(stated)
    plain = json.loads(answer_text("kimi", [MATCH]))["predictions"][0]
    assert set(plain) == {"match_id", "home_score", "away_score"}
    asked = json.loads(answer_text("kimi", [MATCH], probabilities="percent"))["predictions"][0]
    assert sum(asked[k] for k in ("p_home", "p_draw", "p_away")) == pytest.approx(100)
    assert "p_home" in SYSTEM_PROMPT and "p_away" in SYSTEM_PROMPT


@pytest.mark.usefixtures("keys")
async def test_the_forecast_carries_the_replys_probabilities(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    forecast = await _forecast(tmp_path, fresh_sandbox, None)
    assert (forecast.home_goals, forecast.away_goals) == predict_score("p-wire", MATCH)
    assert forecast.probabilities == pytest.approx(predict_probabilities("p-wire", MATCH))
    assert forecast.probability_note is None
    evidence = forecast.attempts[0].evidence
    assert evidence is not None and evidence.verdict == "ok"
    assert '"p_home"' in (evidence.reply_text or "")


@pytest.mark.usefixtures("keys")
async def test_percentages_are_scaled_and_a_reply_without_probabilities_still_counts(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    expected = predict_probabilities("p-wire", MATCH)
    percent = await _forecast(tmp_path, fresh_sandbox, Fault(FaultMode.REASONING_ONLY))
    assert percent.probabilities == pytest.approx(expected)
    without = await _forecast(tmp_path, fresh_sandbox, Fault(FaultMode.THINK))
    assert (without.home_goals, without.away_goals) == predict_score("p-wire", MATCH)
    assert (without.probabilities, without.probability_note) == (None, None)
    assert not without.used_fallback
    evidence = without.attempts[0].evidence
    assert evidence is not None and evidence.verdict == "ok"
