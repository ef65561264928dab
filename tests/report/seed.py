"""A hand-built data set shared by the report and web tests.

Window of interest: 2025-01-10 (UTC). The numbers every test checks are worked out here.

alpha -> alpha-tg (prices 1/2 vs 3/8 per 1M): asked for m1..m4, the fallback served m1, m2
  and m4 (m4 skipped the primary: cooldown) with 4000 prompt / 400 completion tokens:
  fallback 0.0152 USD, original 0.0048 USD, x3.1667 -> over 2x. Primary failures: timeout,
  rate_limited. In cooldown at NOW: its last two primary calls failed at NOW (the test
  configuration cools a primary down after 2 failures, for 600 s), m3's success came earlier.
beta -> beta-tg (1/1 vs 1.5/1): asked for m1..m4, served m1 (tokens NULL: estimated from
  beta-tg's other attempts: (1000 + 400 + 700) / 3 = 700 and (60 + 30 + 45) / 3 = 45) and m2
  (400/30); m3's fallback timed out (unbilled); m4's fallback replied unparseably (700/45,
  billed). 1800/120 tokens: fallback 0.00282, original 0.00192, x1.4688, estimated.
  Primary failures: server_error, invalid_body, timeout, unparseable. All at NOW - 2 h: the
  cooldown they started is over at NOW.
delta -> delta-tg (1/1 vs 1/1): asked for m1, served with NULL tokens and delta-tg has
  never reported any: the defaults 600/40: 0.00064 both ways, x1.0, estimated.
gamma -> gamma-tg: nothing in the window.
solo: no fallback, never listed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from scoreline.config import Config, load_config
from scoreline.store import (
    Database,
    Match,
    ModelRow,
    NewAttempt,
    NewPrediction,
    Prediction,
    insert_attempts,
    insert_predictions,
    sync_models,
)

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
SINCE = datetime(2025, 1, 10, tzinfo=UTC)
UNTIL = datetime(2025, 1, 10, 23, 59, 59, 999999, tzinfo=UTC)

CONFIG_TOML = """reference_models = false
[providers.syn]
base_url = "http://127.0.0.1:9/v1"
api_key_env = "SCORELINE_TEST_SYN_KEY"
[providers.tg]
base_url = "http://127.0.0.1:9/v1"
api_key_env = "SCORELINE_TEST_TG_KEY"
[cooldown]
threshold = 2
seconds = 600
"""

MODELS = (
    # id, provider, prompt price, completion price, fallback, display name
    ("alpha", "syn", 1.0, 2.0, "alpha-tg", "Alpha"),
    ("alpha-tg", "tg", 3.0, 8.0, None, "Alpha (Together)"),
    ("beta", "syn", 1.0, 1.0, "beta-tg", "Beta"),
    ("beta-tg", "tg", 1.5, 1.0, None, "Beta (Together)"),
    ("delta", "syn", 1.0, 1.0, "delta-tg", "Delta"),
    ("delta-tg", "tg", 1.0, 1.0, None, "Delta (Together)"),
    ("gamma", "syn", 1.0, 1.0, "gamma-tg", "Gamma"),
    ("gamma-tg", "tg", 1.0, 1.0, None, "Gamma (Together)"),
    ("solo", "tg", 0.5, 0.5, None, "Solo"),
)


def write_config(directory: Path, database_url: str = "sqlite:///scoreline.db") -> Config:
    """Write ``scoreline.toml`` for the seeded catalog into ``directory`` and load it."""
    lines = [f'database_url = "{database_url}"', 'queue_url = "memory://"', CONFIG_TOML]
    for model_id, provider, prompt, completion, fallback, name in MODELS:
        lines.append(
            f'[[models]]\nid = "{model_id}"\nprovider = "{provider}"\n'
            f'display_name = "{name}"\n'
            f"price_prompt_per_1m = {prompt}\nprice_completion_per_1m = {completion}\n"
            + (f'fallback = "{fallback}"\n' if fallback else "")
        )
    path = directory / "scoreline.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


def seed_catalog(db: Database) -> None:
    """Store the catalog (cooldowns follow from the attempts of ``seed_attempts``)."""
    rows = [
        ModelRow(m, p, m, name, price_prompt_per_1m=pp, price_completion_per_1m=pc, fallback_id=fb)
        for m, p, pp, pc, fb, name in MODELS
    ]
    sync_models(db, rows)


def _attempt(
    match_id: str,
    model_id: str,
    called: str,
    *,
    fallback: bool,
    ok: bool,
    error: str | None = None,
    tokens: tuple[int | None, int | None] = (None, None),
    latency_ms: float = 800.0,
    at: datetime = NOW,
) -> NewAttempt:
    return NewAttempt(
        match_id=match_id,
        model_id=model_id,
        called_model_id=called,
        provider="tg" if called.endswith("-tg") or called == "solo" else "syn",
        is_fallback=fallback,
        ok=ok,
        error_class=error,
        http_status=None,
        latency_ms=latency_ms,
        prompt_tokens=tokens[0],
        completion_tokens=tokens[1],
        created_at=at,
    )


def attempts() -> list[NewAttempt]:
    """Every provider call of the data set."""
    day_before = NOW - timedelta(days=1)
    earlier = NOW - timedelta(hours=1)
    a, d = "alpha", "delta"

    def b(match_id: str, called: str, **options: Any) -> NewAttempt:
        # beta's calls: two hours before NOW, so the cooldown they started is over.
        return _attempt(match_id, "beta", called, at=NOW - timedelta(hours=2), **options)

    return [
        # alpha: outside the window, must not count.
        _attempt("m0", a, "alpha-tg", fallback=True, ok=True, tokens=(99999, 9999), at=day_before),
        _attempt("m1", a, a, fallback=False, ok=False, error="timeout", latency_ms=20000.0),
        _attempt("m1", a, "alpha-tg", fallback=True, ok=True, tokens=(1000, 100)),
        _attempt("m2", a, a, fallback=False, ok=False, error="rate_limited", latency_ms=50.0),
        _attempt("m2", a, "alpha-tg", fallback=True, ok=True, tokens=(2000, 200)),
        _attempt(
            "m3", a, a, fallback=False, ok=True, tokens=(900, 50), latency_ms=300.0, at=earlier
        ),
        _attempt("m4", a, "alpha-tg", fallback=True, ok=True, tokens=(1000, 100)),
        # beta-tg called directly the day before: part of its token average.
        _attempt(
            "m0", "beta-tg", "beta-tg", fallback=False, ok=True, tokens=(1000, 60), at=day_before
        ),
        b("m1", "beta", fallback=False, ok=False, error="server_error"),
        b("m1", "beta-tg", fallback=True, ok=True),
        b("m2", "beta", fallback=False, ok=False, error="invalid_body"),
        b("m2", "beta-tg", fallback=True, ok=True, tokens=(400, 30)),
        b("m3", "beta", fallback=False, ok=False, error="timeout", latency_ms=20000.0),
        b("m3", "beta-tg", fallback=True, ok=False, error="timeout", latency_ms=20000.0),
        b("m4", "beta", fallback=False, ok=False, error="unparseable", tokens=(500, 10)),
        b("m4", "beta-tg", fallback=True, ok=False, error="unparseable", tokens=(700, 45)),
        _attempt("m1", d, d, fallback=False, ok=False, error="server_error"),
        _attempt("m1", d, "delta-tg", fallback=True, ok=True),
        _attempt("m1", "solo", "solo", fallback=False, ok=True, tokens=(700, 30)),
    ]


def seed_attempts(db: Database) -> None:
    """Store every provider call of the data set."""
    insert_attempts(db, attempts())


# Matches and predictions (for the leaderboard, match pages and metrics).
MATCHES = (
    # id, kickoff, home, away, goals, status, quotas
    ("m1", NOW - timedelta(days=3), "Arsenal", "Chelsea", (2, 1), "finished", (3, 4, 5)),
    ("m2", NOW - timedelta(days=2), "Leeds", "Wolves", (1, 1), "finished", (2, 4, 6)),
    ("m3", NOW - timedelta(days=1), "Fulham", "Brentford", (0, 2), "finished", (2, 5, 4)),
    (
        "m4",
        NOW + timedelta(days=1),
        "Everton",
        "Burnley",
        (None, None),
        "scheduled",
        (None, None, None),
    ),
)

PREDICTIONS = (
    # match, model, home, away, used_fallback, points (None: pending)
    ("m1", "alpha", 2, 1, True, 7),  # exact: quota 3 + 1 + 3
    ("m1", "beta", 1, 0, True, 4),  # tendency 3 + goal difference 1
    ("m1", "delta", 0, 0, True, 0),
    ("m1", "solo", 3, 1, False, 3),
    ("m2", "alpha", 1, 1, True, 8),  # exact draw: 4 + 1 + 3
    ("m2", "beta", 2, 2, True, 5),  # 4 + 1
    ("m2", "solo", 0, 1, False, 0),
    ("m3", "alpha", 1, 2, False, 4),  # tendency only: quota 4
    ("m3", "solo", 0, 2, False, 8),  # exact: 4 + 1 + 3
    ("m4", "alpha", 1, 0, True, None),
)


def seed_matches(db: Database) -> None:
    """Store the matches and the predictions, scored where the match is finished."""
    with db.session() as session:
        for match_id, kickoff, home, away, goals, status, quotas in MATCHES:
            session.add(
                Match(
                    id=match_id,
                    competition="E0",
                    competition_name="English Premier League",
                    season="2024-25",
                    kickoff_at=kickoff,
                    home_team=home,
                    away_team=away,
                    status=status,
                    home_goals=goals[0],
                    away_goals=goals[1],
                    odds_home=2.1,
                    odds_draw=3.4,
                    odds_away=3.5,
                    quota_home=quotas[0],
                    quota_draw=quotas[1],
                    quota_away=quotas[2],
                )
            )
    insert_predictions(
        db,
        [
            NewPrediction(
                m,
                model,
                h,
                a,
                used_fallback=fb,
                answered_by=f"{model}-tg" if fb else model,
                created_at=NOW - timedelta(days=4),
            )
            for m, model, h, a, fb, _ in PREDICTIONS
        ],
    )
    goals = {match[0]: match[4] for match in MATCHES}
    with db.session() as session:
        for m, model, h, a, _fb, points in PREDICTIONS:
            if points is None:
                continue
            exact = 3 if (h, a) == goals[m] else 0
            diff = 1 if points and h - a == goals[m][0] - goals[m][1] else 0
            session.execute(
                update(Prediction)
                .where(Prediction.match_id == m, Prediction.model_id == model)
                .values(
                    status="scored",
                    points=points,
                    scored_at=NOW,
                    points_tendency=points - diff - exact,
                    points_goal_diff=diff,
                    points_exact=exact,
                )
            )


def seed_all(db: Database) -> None:
    """Catalog, attempts, matches and predictions."""
    seed_catalog(db)
    seed_attempts(db)
    seed_matches(db)
