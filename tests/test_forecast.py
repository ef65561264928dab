"""The ``Forecaster`` protocol: one shape for LLMs and reference models, built in one place.

A forecaster written here from scratch (not a subclass of anything in scoreline) is
registered once and then predicts through the real predict job into a real SQLite store,
with its attempt row; the factory is the only code that asks a provider's kind.
"""

from __future__ import annotations

import asyncio
import pickle
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import scoreline
from scoreline.config import Config, load_config
from scoreline.forecast import (
    Forecast,
    ForecastContext,
    Forecaster,
    ForecastError,
    LocalForecaster,
    MatchInfo,
    PastResult,
)
from scoreline.llm import Attempt, Registry
from scoreline.predict import (
    FixtureInfo,
    LLMForecaster,
    build_forecasters,
    context_of,
    predict_match,
    register_forecaster,
)
from scoreline.predict.check import check_models
from scoreline.predict.forecasters import LOCAL_FORECASTERS
from scoreline.predict.job import plan_context
from scoreline.predict.plan import load_plan
from scoreline.scoring import REFERENCE_FORECASTERS
from scoreline.scoring import MatchInfo as ScoringMatchInfo
from scoreline.scoring import PastResult as ScoringPastResult
from scoreline.store import Database, Prediction, PredictionAttempt
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

MATCH = "E0-2024-25-0200"
SRC = Path(scoreline.__file__).parent
KICKOFF = datetime(2024, 8, 17, 14, 0, tzinfo=UTC)


class GoalsSoFar:
    """A forecaster from scratch: home goals = home wins seen in the context, capped at 9."""

    calls_provider = False
    history_days: int | None = None

    def __init__(self, model_id: str, *, provider: str, limit: asyncio.Semaphore) -> None:
        self.model_id = model_id
        self.provider = provider
        self.limit = limit
        self.seen: list[ForecastContext] = []

    def describe(self) -> str:
        return f"{self.model_id}: home wins so far"

    async def forecast(self, context: ForecastContext) -> Forecast:
        self.seen.append(context)
        wins = sum(r.home_goals > r.away_goals for r in context.history)
        attempt = Attempt(self.model_id, self.provider, True, 1.5)
        return Forecast(min(wins, 9), 0, answered_by=self.model_id, attempts=(attempt,))


class Broken(LocalForecaster):
    """An in-process forecaster with a bug."""

    def predict(self, match: MatchInfo, history: Sequence[PastResult]) -> tuple[int, int]:
        raise ZeroDivisionError("division by zero")


def _config(tmp_path: Path, *model_ids: str) -> Config:
    models = "".join(
        f'[[models]]\nid = "{m}"\nprovider = "reference"\ntier = "reference"\n' for m in model_ids
    )
    path = tmp_path / "forecast.toml"
    path.write_text(
        'reference_models = false\n[providers.reference]\nkind = "reference"\n'
        f"max_concurrency = 2\n{models}"
    )
    return load_config(path)


@pytest.fixture
def custom() -> Iterator[None]:
    """``goals-so-far`` and ``broken`` registered, for this test only."""
    before_test = dict(LOCAL_FORECASTERS)
    register_forecaster("goals-so-far", GoalsSoFar)
    register_forecaster("broken", Broken)
    yield
    LOCAL_FORECASTERS.clear()
    LOCAL_FORECASTERS.update(before_test)


def _stored(db: Database) -> tuple[dict[str, tuple[int, int]], dict[str, tuple]]:
    """The match's predictions and attempts, as plain values."""
    with db.session() as session:
        predictions = session.scalars(select(Prediction).where(Prediction.match_id == MATCH))
        scores = {p.model_id: (p.predicted_home, p.predicted_away) for p in predictions}
        attempts = session.scalars(
            select(PredictionAttempt).where(PredictionAttempt.match_id == MATCH)
        )
        calls = {a.model_id: (a.provider, a.ok, a.error_class, a.latency_ms) for a in attempts}
    return scores, calls


@pytest.mark.usefixtures("custom")
async def test_a_registered_forecaster_predicts_through_the_job_into_the_store(
    sqlite_db: Database, tmp_path: Path
) -> None:
    csv_path = import_with_fixtures(sqlite_db, tmp_path, {MATCH})
    config = _config(tmp_path, "goals-so-far", "broken", "ref-draw-1-1")
    now = before(kickoff_of(csv_path, MATCH))
    plan = load_plan(sqlite_db, config, MATCH, now, False)
    expected_home = min(sum(r.home_goals > r.away_goals for r in plan.history), 9)
    seen: list[tuple[str, bool]] = []

    summary = await predict_match(
        sqlite_db, config, MATCH, now=now, progress=lambda m, ok: seen.append((m, ok))
    )

    assert (summary.asked, summary.predicted, summary.failed) == (3, 2, {"reference_error": 1})
    assert sorted(seen) == [("broken", False), ("goals-so-far", True), ("ref-draw-1-1", True)]
    scores, calls = _stored(sqlite_db)
    assert scores == {"goals-so-far": (expected_home, 0), "ref-draw-1-1": (1, 1)}
    assert calls["goals-so-far"] == ("reference", True, None, 1.5)
    assert calls["broken"][:3] == ("reference", False, "reference_error")
    assert calls["ref-draw-1-1"][:3] == ("reference", True, None)


def test_the_job_context_is_the_plan_before_kickoff(sqlite_db: Database, tmp_path: Path) -> None:
    csv_path = import_with_fixtures(sqlite_db, tmp_path, {MATCH})
    config = _config(tmp_path, "ref-draw-1-1")
    plan = load_plan(sqlite_db, config, MATCH, before(kickoff_of(csv_path, MATCH)), False)
    context = plan_context(plan)
    assert (context.match_id, context.home_team, context.odds) == (
        MATCH,
        plan.fixture.home_team,
        plan.odds,
    )
    assert context.history and all(r.kickoff_at < context.kickoff_at for r in context.history)
    assert context.match.odds_home == plan.odds[0]
    llm = LLMForecaster(config.model("ref-draw-1-1"), Registry(config))
    assert llm.prompt(context) == plan.prompt  # the LLMs are sent what the plan shows


async def test_every_configured_model_is_a_forecaster_and_only_llms_call_providers() -> None:
    config = load_config()
    forecasters = build_forecasters(config, Registry(config))
    assert set(forecasters) == {m.id for m in config.models}
    assert all(isinstance(f, Forecaster) for f in forecasters.values())
    assert {m for m, f in forecasters.items() if not f.calls_provider} == set(REFERENCE_FORECASTERS)
    assert all(isinstance(f, LLMForecaster) for f in forecasters.values() if f.calls_provider)
    assert forecasters["ref-market"].history_days == 0  # the odds alone
    assert forecasters["kimi-k2.5-syn"].describe().startswith("kimi-k2.5-syn: ")


async def test_reference_forecasts_carry_one_attempt_and_a_bug_one_failed_attempt(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, "ref-home-2-1", "ref-oracle")
    forecasters = build_forecasters(config, Registry(config))
    context = ForecastContext(MATCH, "E0", "2024-25", KICKOFF, "Arsenal", "Wolves")
    forecast = await forecasters["ref-home-2-1"].forecast(context)
    assert (forecast.home_goals, forecast.away_goals, forecast.used_fallback) == (2, 1, False)
    assert forecast.answered_by == "ref-home-2-1"
    assert forecast.probabilities == pytest.approx((0.45, 0.26, 0.29))  # no history: long-run
    assert [(a.model_id, a.provider, a.ok) for a in forecast.attempts] == [
        ("ref-home-2-1", "reference", True)
    ]
    with pytest.raises(ForecastError) as caught:
        await forecasters["ref-oracle"].forecast(context)  # unknown id: fails every time
    assert caught.value.error_class == "reference_error" and "ref-oracle" in str(caught.value)
    assert [(a.ok, a.error_class) for a in caught.value.attempts] == [(False, "reference_error")]


def test_forecast_errors_pickle_with_their_attempts() -> None:
    attempt = Attempt("m", "p", False, 3.0, error_class="timeout")
    error = ForecastError("m timed out", error_class="timeout", attempts=[attempt])
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.error_class, copy.attempts) == ("m timed out", "timeout", (attempt,))


async def test_models_check_asks_only_forecasters_that_call_a_provider(tmp_path: Path) -> None:
    config = _config(tmp_path, "ref-home-2-1", "ref-market")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert await check_models(config, None, now=now) == []
    [row] = await check_models(config, ["ref-home-2-1"], now=now)
    assert (row["ok"], row["answered_by"], row["used_fallback"]) == (True, "ref-home-2-1", False)


def test_the_context_types_are_shared_with_scoring() -> None:
    assert ScoringMatchInfo is MatchInfo and ScoringPastResult is PastResult
    fixture = FixtureInfo(MATCH, "E0", None, "2024-25", KICKOFF, "Arsenal", "Wolves")
    earlier = [PastResult("A", "B", 1, 0, KICKOFF.replace(year=2023))]
    context = context_of(fixture, (2.0, 3.4, 3.9), earlier)
    assert context.match.odds == (2.0, 3.4, 3.9) and len(context.history) == 1


def test_only_the_factory_asks_what_kind_a_provider_is() -> None:
    comparisons = re.compile(r"""kind\s*(==|!=)\s*["']|kind\s+(not\s+)?in\s""")
    found = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if not {"sandbox", "sources", "standin"} & set(path.parts)
        and comparisons.search(path.read_text())
    }
    # config.py reads it once to say which providers need a base_url (a capability). A data
    # source's kind (scoreline.sources) is another thing, built in sources/build.py.
    assert found == {"predict/forecasters.py", "config.py"}
    factory = (SRC / "predict" / "forecasters.py").read_text()
    assert factory.count('kind == "reference"') == 1


async def test_the_market_demargins_as_configured(tmp_path: Path) -> None:
    pytest.importorskip("penaltyblog", reason="shin needs the reference extra")
    base = _config(tmp_path, "ref-market")
    context = ForecastContext(
        MATCH, "E0", "2024-25", KICKOFF, "Arsenal", "Wolves", odds=(1.5, 4.5, 7.0)
    )
    found = {}
    for method in ("multiplicative", "shin"):
        scoring = base.scoring.model_copy(update={"demargin": method})
        config = base.model_copy(update={"scoring": scoring})
        market = build_forecasters(config, Registry(config))["ref-market"]
        found[method] = (await market.forecast(context)).probabilities
    assert found["multiplicative"] is not None and found["shin"] is not None
    assert sum(found["shin"]) == pytest.approx(1.0)
    # Shin gives the favourite a larger share of the margin back than proportional scaling.
    assert found["shin"][0] > found["multiplicative"][0]
