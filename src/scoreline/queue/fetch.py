"""The worker's fetch schedule: what the data sources are asked, and when.

Every tick runs what is due (each interval under ``[schedule]``):

* fixtures for the next ``fixtures_near_days`` every ``fixtures_every_s`` (3 h), and for the
  next ``fixtures_daily_days`` once a day; standings once a day;
* odds from ``odds_before_min`` (T-2 h) before kick-off, team news and line-ups from each of
  ``team_news_before_min`` (T-6 h, T-60 min), once per window per match;
* live polling every ``live_poll_every_s`` while a match is between kick-off and its result
  (up to 3 h after kick-off); a new or corrected result enqueues the score job at once;
* a match without a result ``result_missing_after_min`` after kick-off is reported once.

Periodic fetches are marked done with a lease in the store (``fetch-…``, as long as the
interval), so several workers share one schedule; per-match fetches are due when the store
holds no snapshot of the window yet. A source failing is recorded and retried at the next
due time; nothing here stops the predict and score jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scoreline.config import Config
from scoreline.live import LiveSources, SourceSummary
from scoreline.live.context import fetch_odds, fetch_standings, fetch_team_news
from scoreline.queue.lease import new_owner
from scoreline.sources import LiveSource
from scoreline.store import (
    Database,
    LinkedMatch,
    MissingRow,
    OddsRow,
    latest_snapshot_at,
    linked_matches,
    report_missing_results,
    take_lease,
)

__all__ = ["LIVE_HORIZON", "FetchReport", "FetchSchedule", "run_fetches"]

log = logging.getLogger("scoreline.live")
LIVE_HORIZON = timedelta(hours=3)
"""A match is polled up to this long after kick-off while it has no result."""
DAY_S = 24 * 3600


@dataclass
class FetchReport:
    """What one tick fetched (the summaries of each fetch that ran, by fetch)."""

    summaries: dict[str, list[SourceSummary]] = field(default_factory=dict)
    scored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class FetchSchedule:
    """Run the due fetches against the configured sources."""

    def __init__(
        self,
        db: Database,
        config: Config,
        *,
        live: LiveSources | None = None,
        enqueue_score: Callable[[str], object] | None = None,
    ) -> None:
        """Args: the store, the configuration, the sources (built from it by default) and
        how to enqueue a score job (none: the reconcile sweep picks results up)."""
        self.db, self.config = db, config
        self.live = live or LiveSources(db, config)
        self.enqueue_score = enqueue_score
        self.owner = new_owner()

    def _due(self, name: str, every_s: float, now: datetime) -> bool:
        """Whether the periodic fetch ``name`` is due, marking it done for ``every_s``."""
        return take_lease(self.db, f"fetch-{name}", owner=self.owner, now=now, ttl_s=every_s)

    def tick(self, now: datetime) -> FetchReport:
        """Run everything due at ``now``."""
        schedule, report = self.config.schedule, FetchReport()
        if self._due("fixtures", schedule.fixtures_every_s, now):
            report.summaries["fixtures"] = self.live.sync(now=now)
        if self._due("fixtures-daily", DAY_S, now):
            days = schedule.fixtures_daily_days
            report.summaries["fixtures-daily"] = self.live.sync(now=now, days_ahead=days)
        if self._due("standings", schedule.standings_every_s, now):
            report.summaries["standings"] = fetch_standings(self.live, now=now)
        self._context(now, report)
        if self._due("live", schedule.live_poll_every_s, now):
            self._poll(now, report)
        for summary in (s for group in report.summaries.values() for s in group):
            report.scored += [m for m in summary.result_ids if m not in report.scored]
        if self.enqueue_score is not None:
            for match_id in report.scored:
                self.enqueue_score(match_id)
        missing_after = timedelta(minutes=schedule.result_missing_after_min)
        report.missing = report_missing_results(
            self.db, kicked_off_before=now - missing_after, now=now
        )
        for match_id in report.missing:
            log.warning("match %s: no result %s after kick-off", match_id, missing_after)
        return report

    def _upcoming(self, now: datetime, minutes: int) -> list[LinkedMatch]:
        return linked_matches(
            self.db,
            statuses=("scheduled",),
            kickoff_from=now,
            kickoff_to=now + timedelta(minutes=minutes),
        )

    def _context(self, now: datetime, report: FetchReport) -> None:
        """Odds and team news of the matches whose window has opened and has no snapshot."""
        schedule = self.config.schedule
        odds = [
            link
            for link in self._upcoming(now, schedule.odds_before_min)
            if _stale(self.db, OddsRow, link, schedule.odds_before_min)
        ]
        if odds:
            report.summaries["odds"] = fetch_odds(self.live, odds, now=now)
        news: dict[tuple[str, str], LinkedMatch] = {}
        for minutes in sorted(schedule.team_news_before_min):
            for link in self._upcoming(now, minutes):
                if _stale(self.db, MissingRow, link, minutes):
                    news[(link.match_id, link.source)] = link
        if news:
            report.summaries["team-news"] = fetch_team_news(self.live, list(news.values()), now=now)

    def _poll(self, now: datetime, report: FetchReport) -> None:
        """Status and score of every match between kick-off and its result, each from its
        best live source only (a quota of a day is not spent on minute-by-minute polls)."""
        links = linked_matches(
            self.db,
            statuses=("scheduled", "live"),
            kickoff_from=now - LIVE_HORIZON,
            kickoff_to=now,
        )
        rank = self.live.priorities
        best: dict[str, LinkedMatch] = {}
        for link in links:
            if not isinstance(self.live.adapters.get(link.source), LiveSource):
                continue
            held = best.get(link.match_id)
            if held is None or (rank[link.source], link.source) < (rank[held.source], held.source):
                best[link.match_id] = link
        ids: dict[str, list[str]] = {}
        for link in best.values():
            ids.setdefault(link.source, []).append(link.external_id)
        if ids:
            report.summaries["live"] = self.live.poll(ids, now=now)


def _stale(db: Database, kind: type, link: LinkedMatch, minutes: int) -> bool:
    """No snapshot of this kind since the window ``minutes`` before kick-off opened."""
    latest = latest_snapshot_at(db, kind, link.match_id)
    return latest is None or latest < link.kickoff_at - timedelta(minutes=minutes)


def run_fetches(
    db: Database,
    config: Config,
    stop: threading.Event,
    *,
    enqueue_score: Callable[[str], object] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """The worker's fetch thread: a tick every ``live_poll_every_s`` until ``stop``.

    The schema is brought to head first, so a worker started on an empty database with only
    ``[sources.*]`` runs a season by itself. A tick that fails (the database down, say) is
    one warning line; the next one retries.
    """
    try:
        db.upgrade()
    except Exception as exc:  # another worker may be migrating: the ticks retry anyway
        log.warning("schema upgrade failed (%s: %s)", type(exc).__name__, str(exc)[:200])
    schedule = FetchSchedule(db, config, enqueue_score=enqueue_score)
    try:
        while not stop.is_set():
            try:
                schedule.tick(clock())
            except Exception as exc:  # one line, and try again at the next tick
                log.warning("fetch tick failed (%s: %s)", type(exc).__name__, str(exc)[:200])
            stop.wait(min(config.schedule.live_poll_every_s, 60))
    finally:
        schedule.live.close()
