"""One pass over every configured source: fetch, resolve names, merge into ``matches``.

``LiveSources`` holds one adapter per ``[sources.NAME]`` for the life of the process, so
each client's pacing and daily count carry over from pass to pass. A source that fails
(down, quota spent, bad key) is counted and logged and the others go on; its failure is
written to the store (``scoreline sources``) and the next pass simply tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from scoreline.config import Config
from scoreline.errors import ScorelineError
from scoreline.sources import (
    Adapter,
    Competitions,
    Fixture,
    FootballDataCoUk,
    LiveSource,
    SourceError,
    TeamResolver,
    UnknownTeamError,
    build_source,
)
from scoreline.store import (
    Database,
    SourceMatch,
    merge_source_match,
    record_source_health,
    team_aliases,
)

__all__ = ["LiveSources", "SourceSummary"]

log = logging.getLogger("scoreline.live")
Observer = Callable[[str, str], None]


@dataclass
class SourceSummary:
    """What one pass did with one source (the keys of ``scoreline sync --json``)."""

    source: str
    requests: int = 0
    fixtures_created: int = 0
    fixtures_updated: int = 0
    results: int = 0
    postponed: int = 0
    cancelled: int = 0
    unknown_teams: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    result_ids: list[str] = field(default_factory=list)
    """Matches with a new or corrected result (the score job has work); not in the JSON."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON row."""
        row = asdict(self)
        row.pop("result_ids")
        return row


Action = Callable[[Adapter, "SourceSummary"], None]
"""What a pass does with one source's adapter, noting what it did in the summary."""


class LiveSources:
    """The configured sources, their adapters and the identity tables."""

    def __init__(
        self,
        db: Database,
        config: Config,
        *,
        adapters: dict[str, Adapter] | None = None,
        observer: Observer | None = None,
        build: Callable[..., Adapter] = build_source,
    ) -> None:
        """Build an adapter per source; one that cannot be built is an error of that source.

        Args:
            db: The store.
            config: The configuration (``[sources.*]``, ``[schedule]``).
            adapters: Ready adapters by name (tests inject a clock this way).
            observer: Told ``(source, outcome)`` as each request ends (``/metrics``).
            build: How an adapter is built from its table (``build_source``).
        """
        self.db, self.config = db, config
        self.priorities = {name: s.priority for name, s in config.sources.items()}
        self.competitions = Competitions.bundled()
        self.adapters: dict[str, Adapter] = dict(adapters or {})
        self.broken: dict[str, str] = {}
        self.reported: set[str] = set()
        for name, table in config.sources.items():
            if name in self.adapters:
                continue
            try:
                self.adapters[name] = build(name, table, observer=observer)
            except ScorelineError as exc:
                self.broken[name] = str(exc)

    def resolver(self) -> TeamResolver:
        """The bundled aliases with the operator's (read fresh: ``teams alias`` may add)."""
        return TeamResolver.bundled(team_aliases(self.db))

    def names(self, only: Iterable[str] | None = None) -> list[str]:
        """Configured sources, best priority first (``only``: those named)."""
        wanted = set(only) if only else set(self.config.sources)
        return sorted(wanted & set(self.config.sources), key=lambda n: (self.priorities[n], n))

    def sync(
        self, *, now: datetime, only: Iterable[str] | None = None, days_ahead: int | None = None
    ) -> list[SourceSummary]:
        """Fetch every configured competition's fixtures from yesterday to ``days_ahead``.

        A football-data.co.uk source (results only, one file a season) is read from the
        season's start: the results so far are the history a prompt's table and form need.
        """
        days = days_ahead if days_ahead is not None else self.config.schedule.fixtures_near_days
        start, end = (now - timedelta(days=1)).date(), (now + timedelta(days=days)).date()
        season_start = date(now.year if now.month >= 7 else now.year - 1, 7, 1)
        summaries = []
        for name in self.names(only):
            codes = self.config.sources[name].competitions or ("E0",)

            def fetch(
                adapter: Adapter, summary: SourceSummary, codes: Sequence[str] = codes
            ) -> None:
                first = season_start if isinstance(adapter, FootballDataCoUk) else start
                for code in codes:  # merged one competition at a time: a failure keeps the rest
                    found = adapter.fixtures(code, date_from=first, date_to=end)
                    self._merge(adapter.name, found, summary, now)

            summaries.append(self.run(name, now, fetch))
        return summaries

    def poll(self, ids_by_source: dict[str, list[str]], *, now: datetime) -> list[SourceSummary]:
        """Status and score now of known matches, by each source's ids (live polling)."""
        summaries = []
        for name in self.names(ids_by_source):

            def fetch(adapter: Adapter, summary: SourceSummary, name: str = name) -> None:
                if isinstance(adapter, LiveSource):
                    found = adapter.fixtures_by_id(ids_by_source[name])
                    self._merge(name, found, summary, now)

            summaries.append(self.run(name, now, fetch))
        return summaries

    def run(self, name: str, now: datetime, action: Action) -> SourceSummary:
        """Run ``action`` against one source; its failure is counted and recorded, not raised."""
        summary = SourceSummary(name)
        adapter = self.adapters.get(name)
        if adapter is None:
            summary.errors.append(self.broken.get(name, f"{name}: not configured"))
            self._health(name, summary, now, ok=False, quota=None)
            return summary
        before = adapter.client.stats
        ok = True
        try:
            action(adapter, summary)
        except (SourceError, ScorelineError) as exc:
            ok = False
            summary.errors.append(str(exc))
            log.warning("source %s: %s", name, exc)
        after = adapter.client.stats
        summary.requests = after.requests - before.requests
        outcomes = {
            outcome: count - before.outcomes.get(outcome, 0)
            for outcome, count in after.outcomes.items()
            if count != before.outcomes.get(outcome, 0)
        }
        self._health(name, summary, now, ok=ok, quota=after.quota_remaining, outcomes=outcomes)
        return summary

    def _health(
        self,
        name: str,
        summary: SourceSummary,
        now: datetime,
        *,
        ok: bool,
        quota: int | None,
        outcomes: dict[str, int] | None = None,
    ) -> None:
        error = summary.errors[-1] if summary.errors else None
        record_source_health(
            self.db,
            name,
            now=now,
            requests=summary.requests,
            ok=ok,
            error=error,
            quota_remaining=quota,
            outcomes=outcomes,
        )

    def _merge(
        self, name: str, fixtures: list[Fixture], summary: SourceSummary, now: datetime
    ) -> None:
        resolver = self.resolver()
        for fixture in fixtures:
            report = self._report(name, fixture, resolver, summary)
            if report is None:
                continue
            outcome = merge_source_match(self.db, report, priorities=self.priorities, now=now)
            summary.fixtures_created += outcome.created
            summary.fixtures_updated += outcome.updated
            summary.postponed += outcome.postponed
            summary.cancelled += outcome.cancelled
            if outcome.result:
                summary.results += 1
                summary.result_ids.append(outcome.match_id)
            if outcome.corrected:
                self._rescore(outcome.match_id, now)

    def _report(
        self, name: str, fixture: Fixture, resolver: TeamResolver, summary: SourceSummary
    ) -> SourceMatch | None:
        """The fixture in our names; an unknown team is reported once, never created."""
        sides = []
        for team in (fixture.home, fixture.away):
            try:
                sides.append(resolver.resolve(team))
            except UnknownTeamError as exc:
                if team not in summary.unknown_teams:
                    summary.unknown_teams.append(team)
                if team not in self.reported:
                    self.reported.add(team)
                    log.warning("source %s: %s", name, exc)
        if len(sides) != 2:
            return None
        return SourceMatch(
            source=name,
            priority=self.priorities[name],
            external_id=fixture.external_id,
            competition=fixture.competition,
            competition_name=self.competitions.resolve(fixture.competition).name,
            season=fixture.season,
            kickoff_at=fixture.kickoff_at,
            home_team=sides[0],
            away_team=sides[1],
            status=str(fixture.status),
            raw_status=fixture.raw_status,
            home_goals=fixture.home_goals,
            away_goals=fixture.away_goals,
            duration=fixture.duration,
            home_team_id=fixture.home_team_id,
            away_team_id=fixture.away_team_id,
        )

    def _rescore(self, match_id: str, now: datetime) -> None:
        """A finished score was corrected: settle the match again at once (change logged)."""
        from scoreline.scoring import score_match  # numpy loads only when a result changes

        rule = self.config.scoring.draw_goal_difference
        summary = score_match(self.db, match_id, now=now, draw_goal_difference=rule)
        log.info("result of %s corrected; re-scored (%s)", match_id, summary.as_dict())

    def close(self) -> None:
        """Close every client."""
        for adapter in self.adapters.values():
            adapter.client.close()
