"""What a chaos run sets up and what it measures: the configuration, the matches, the figures.

The catalog is ``models`` primaries on provider ``primary``, each with an inactive fallback
on provider ``backup``; both point at the same sandbox, and only the primaries' provider
names get faults (a 503, a hang past the primary timeout, a prose reply without a score),
so a fallback that answers is visible in the attempt records.

Coverage is the store's own (``store.match_coverage``, what ``/metrics`` and
``scoreline coverage`` report), pooled over every match of the run.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from scoreline.store import Database, Match, Prediction, PredictionAttempt, match_coverage

__all__ = [
    "Figures",
    "Plan",
    "fault_specs",
    "kickoffs",
    "measure",
    "model_ids",
    "write_config",
    "write_matches",
]

HEADER = (
    "match_id,competition,competition_name,season,kickoff_utc,home_team,away_team,"
    "home_goals,away_goals,odds_home,odds_draw,odds_away\n"
)
FAULTS = ("status:503@0.3", "hang@0.1", "prose@0.2")
"""One fault per primary, in turn: every kind the issue names is rehearsed."""


@dataclass(frozen=True)
class Plan:
    """The size and pace of one run."""

    matches: int
    models: int
    workers: int
    first_kickoff_s: float
    """Seconds from now to the first kick-off (workers need a few seconds to start)."""
    spread_s: float
    """Seconds between the first and the last kick-off."""
    seed: int
    lease_s: float = 3.0
    """``job_lock_ttl_s``: a killed worker's lease must expire long before kick-off."""


def model_ids(plan: Plan) -> list[str]:
    """The primaries: the active models every match must be predicted by."""
    return [f"chaos-{i:02d}" for i in range(plan.models)]


def fault_specs(plan: Plan) -> list[str]:
    """``--fault`` arguments for the sandbox: the primaries' provider names only."""
    return [f"primary-{i:02d}={FAULTS[i % len(FAULTS)]}" for i in range(plan.models)]


def _models_toml(plan: Plan) -> str:
    blocks = []
    for i in range(plan.models):
        blocks.append(
            f'[[models]]\nid = "chaos-{i:02d}"\nprovider = "primary"\nmodel = "primary-{i:02d}"\n'
            f'fallback = "chaos-{i:02d}-backup"\n\n'
            f'[[models]]\nid = "chaos-{i:02d}-backup"\nprovider = "backup"\n'
            f'model = "backup-{i:02d}"\nactive = false\n'
        )
    return "\n".join(blocks)


def write_config(
    path: Path, plan: Plan, *, database_url: str, queue_url: str, queue_name: str, base_url: str
) -> Path:
    """Write a configuration with a fast schedule: short sweeps, lease and timeouts.

    Auto-disable is pushed out of reach so that the set of active models, and with it the
    coverage's denominator, stays fixed during the run.
    """
    path.write_text(
        f"""database_url = "{database_url}"
queue_url = "{queue_url}"
queue_name = "{queue_name}"
reference_models = false

[schedule]
reconcile_every_s = 1
predict_window_min = 1
job_lock_ttl_s = {plan.lease_s}

[cooldown]
threshold = 3
seconds = 5

[health]
disable_after = 1000

[providers.primary]
base_url = "{base_url}"
timeout_s = 1
max_concurrency = 32

[providers.backup]
base_url = "{base_url}"
timeout_s = 3
max_concurrency = 32

{_models_toml(plan)}""",
        encoding="utf-8",
    )
    return path


def kickoffs(plan: Plan, now: datetime) -> dict[str, datetime]:
    """Kick-offs spread evenly over the run, on whole seconds (the CSV's precision)."""
    start = now.replace(microsecond=0) + timedelta(seconds=plan.first_kickoff_s + 1)
    step = plan.spread_s / max(plan.matches - 1, 1)
    return {f"CH-{i:03d}": start + timedelta(seconds=round(i * step)) for i in range(plan.matches)}


def write_matches(path: Path, kicks: dict[str, datetime], rng: random.Random | None = None) -> Path:
    """The fixtures CSV; with ``rng``, the same matches finished with random goals."""
    lines = [HEADER]
    for n, (match_id, kickoff) in enumerate(sorted(kicks.items())):
        goals = f"{rng.randint(0, 4)},{rng.randint(0, 3)}" if rng else ","
        when = kickoff.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(
            f"{match_id},CH,Chaos League,2026-27,{when},Home {n},Away {n},{goals},2.1,3.4,3.5\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


@dataclass
class Figures:
    """What the run stored, against what it should have."""

    expected: int
    stored: int
    lost: int
    duplicated: int
    after_kickoff: int
    answered_not_stored: list[tuple[str, str]]
    fallback_mismatch: list[tuple[str, str]]
    unscored: int
    via_fallback: int
    coverage_expected: int
    """Pairs the store's coverage expects (models active at kick-off, by its rule)."""
    coverage_covered: int
    coverage_misses: dict[str, int] = field(default_factory=dict)
    """The store's misses by cause."""

    @property
    def coverage(self) -> float:
        """The store's coverage, pooled over the run's matches."""
        return self.coverage_covered / self.coverage_expected if self.coverage_expected else 1.0

    def summary(self) -> str:
        misses = ", ".join(f"{c} {n}" for c, n in sorted(self.coverage_misses.items()))
        return (
            f"pairs expected {self.expected}, stored {self.stored}, lost {self.lost}, "
            f"duplicated {self.duplicated}, after kick-off {self.after_kickoff}, "
            f"coverage (store) {self.coverage_covered}/{self.coverage_expected} "
            f"= {self.coverage:.2%} (misses: {misses or 'none'}), answered but not stored "
            f"{len(self.answered_not_stored)}, used_fallback wrong "
            f"{len(self.fallback_mismatch)}, unscored {self.unscored}, "
            f"served by a fallback {self.via_fallback}"
        )


def _rows(db: Database) -> tuple[dict[str, datetime], list[Prediction], list[PredictionAttempt]]:
    with db.session() as session:
        matches = {m.id: m.kickoff_at for m in session.scalars(select(Match))}
        predictions = list(session.scalars(select(Prediction)))
        attempts = list(session.scalars(select(PredictionAttempt)))
    return matches, predictions, attempts


def _late(p: Prediction, matches: dict[str, datetime]) -> bool:
    return bool(p.after_kickoff) or p.created_at > matches[p.match_id]


def _fallback_mismatches(
    predictions: list[Prediction], attempts: list[PredictionAttempt]
) -> list[tuple[str, str]]:
    """Predictions whose ``used_fallback`` disagrees with who answered, per the attempts."""
    answered = {(a.match_id, a.model_id, a.is_fallback) for a in attempts if a.ok}
    wrong = []
    for p in predictions:
        by_fallback = p.answered_by is not None and p.answered_by != p.model_id
        if p.used_fallback != by_fallback or (p.match_id, p.model_id, p.used_fallback) not in (
            answered
        ):
            wrong.append((p.match_id, p.model_id))
    return wrong


def measure(db: Database, models: list[str]) -> Figures:
    """Read the store and count what was kept, lost, doubled or late."""
    matches, predictions, attempts = _rows(db)
    counts = Counter((p.match_id, p.model_id) for p in predictions)
    on_time = {(p.match_id, p.model_id) for p in predictions if not _late(p, matches)}
    expected = {(m, model) for m in matches for model in models}
    answered = {(a.match_id, a.model_id) for a in attempts if a.ok}
    coverage = match_coverage(db, since=None, until=datetime.now(UTC), model_ids=models)
    misses: Counter[str] = Counter()
    for row in coverage:
        misses.update(row.misses)
    return Figures(
        expected=len(expected),
        stored=len(on_time & expected),
        lost=len(expected - set(counts)),
        duplicated=sum(n - 1 for n in counts.values()),
        after_kickoff=sum(_late(p, matches) for p in predictions),
        answered_not_stored=sorted(answered - set(counts)),
        fallback_mismatch=_fallback_mismatches(predictions, attempts),
        unscored=sum(p.status != "scored" or p.points is None for p in predictions),
        via_fallback=sum(bool(p.used_fallback) for p in predictions),
        coverage_expected=sum(m.expected for m in coverage),
        coverage_covered=sum(m.covered for m in coverage),
        coverage_misses=dict(misses),
    )
