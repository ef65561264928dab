"""Pre-match context from the sources: odds, missing players, line-ups and standings.

Each fetch stores snapshots stamped with the pass's ``now`` (the worker's clock, the same
clock the predict job reads), so "fetched before the job started" compares like with like.
Odds also set the match's own 1X2 columns, which the market forecaster reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from scoreline.live.sync import LiveSources, SourceSummary
from scoreline.sources import (
    Adapter,
    OddsSource,
    StandingsSource,
    TeamNewsSource,
    TeamResolver,
)
from scoreline.store import (
    LineupRow,
    LinkedMatch,
    MissingRow,
    OddsRow,
    StandingEntry,
    add_snapshots,
    set_match_odds,
)

__all__ = ["fetch_odds", "fetch_standings", "fetch_team_news"]


def _by_source(links: Sequence[LinkedMatch]) -> dict[str, list[LinkedMatch]]:
    grouped: dict[str, list[LinkedMatch]] = {}
    for link in links:
        grouped.setdefault(link.source, []).append(link)
    return grouped


def _team(resolver: TeamResolver, name: str) -> str:
    """Our name when known; the source's spelling otherwise (a snapshot is never refused)."""
    return resolver.lookup(name) or name


def fetch_odds(
    live: LiveSources, links: Sequence[LinkedMatch], *, now: datetime
) -> list[SourceSummary]:
    """Pre-match odds of these matches from every source that has odds."""
    summaries = []
    for name, group in _by_source(links).items():

        def fetch(adapter: Adapter, summary: SourceSummary, group: list = group) -> None:
            if not isinstance(adapter, OddsSource):
                return
            for link in group:
                rows = [
                    OddsRow(
                        link.match_id,
                        adapter.name,
                        o.bookmaker,
                        o.home,
                        o.draw,
                        o.away,
                        o.timing,
                        now,
                    )
                    for o in adapter.odds(link.external_id)
                    if o.timing == "pre-match"
                ]
                add_snapshots(live.db, rows)
                if rows:
                    set_match_odds(
                        live.db, link.match_id, (rows[0].home, rows[0].draw, rows[0].away)
                    )

        summaries.append(live.run(name, now, fetch))
    return summaries


def fetch_team_news(
    live: LiveSources, links: Sequence[LinkedMatch], *, now: datetime
) -> list[SourceSummary]:
    """Missing players and (once published) line-ups of these matches."""
    resolver = live.resolver()
    summaries = []
    for name, group in _by_source(links).items():

        def fetch(adapter: Adapter, summary: SourceSummary, group: list = group) -> None:
            if not isinstance(adapter, TeamNewsSource):
                return
            for link in group:
                rows: list[MissingRow | LineupRow] = [
                    MissingRow(
                        link.match_id,
                        adapter.name,
                        _team(resolver, p.team),
                        p.player,
                        p.reason,
                        p.kind,
                        now,
                    )
                    for p in adapter.missing_players(link.external_id)
                ]
                rows += [
                    LineupRow(
                        link.match_id,
                        adapter.name,
                        _team(resolver, u.team),
                        u.formation,
                        "\n".join(u.starters),
                        "\n".join(u.substitutes),
                        u.coach,
                        now,
                    )
                    for u in adapter.lineups(link.external_id)
                ]
                add_snapshots(live.db, rows)

        summaries.append(live.run(name, now, fetch))
    return summaries


def fetch_standings(live: LiveSources, *, now: datetime) -> list[SourceSummary]:
    """The league tables of every configured competition, from sources that have them."""
    resolver = live.resolver()
    summaries = []
    for name in live.names():
        codes = live.config.sources[name].competitions or ("E0",)

        def fetch(adapter: Adapter, summary: SourceSummary, codes: Sequence[str] = codes) -> None:
            if not isinstance(adapter, StandingsSource):
                return
            for code in codes:
                rows = [
                    StandingEntry(
                        r.competition,
                        r.season,
                        adapter.name,
                        r.scope,
                        r.position,
                        _team(resolver, r.team),
                        r.played,
                        r.won,
                        r.drawn,
                        r.lost,
                        r.goals_for,
                        r.goals_against,
                        r.points,
                        r.form,
                        now,
                    )
                    for r in adapter.standings(code)
                ]
                add_snapshots(live.db, rows)

        summaries.append(live.run(name, now, fetch))
    return summaries
