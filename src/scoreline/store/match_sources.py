"""One match however many sources report it: links, the merge, and the logs it writes.

``merge_source_match`` takes one source's report of one match (teams already resolved to
our names) and, in one transaction, finds or creates the match, links the source's id to
it, and applies what the report changes: kick-off moves, postponements, cancellations,
results and corrections. The best source (lowest ``priority``) decides the kick-off and
status; a result comes from the best source that has one, and a different result from
another source is logged as a disagreement, never applied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.source_tables import MatchLive, MatchSource, ResultChange, SourceDisagreement
from scoreline.store.tables import Match

__all__ = [
    "LinkedMatch",
    "MergeOutcome",
    "SourceMatch",
    "linked_matches",
    "match_links",
    "merge_source_match",
    "new_match_id",
    "report_missing_results",
]

FINAL = ("finished", "awarded")
"""Statuses of a source that carry a result."""


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """One source's report of a match, teams and competition in our names."""

    source: str
    """The configured name (``fd``)."""
    priority: int
    external_id: str
    competition: str
    competition_name: str | None
    season: str
    kickoff_at: datetime
    home_team: str
    away_team: str
    status: str
    """Ours: scheduled, live, finished, postponed, cancelled or awarded."""
    raw_status: str
    home_goals: int | None
    away_goals: int | None
    duration: str = "regular"
    home_team_id: str | None = None
    away_team_id: str | None = None


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """What one report did to the store."""

    match_id: str
    created: bool = False
    updated: bool = False
    """The match's kick-off, status or result changed (``created`` excluded)."""
    result: bool = False
    """The match has a new or corrected result (the score job has work)."""
    corrected: bool = False
    """A finished match's score changed."""
    postponed: bool = False
    cancelled: bool = False
    disagreement: bool = False


def new_match_id(competition: str, season: str, home: str, away: str) -> str:
    """``E0-2025-26-arsenal-v-chelsea``: readable, and the same whichever source is first."""

    def slug(name: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")

    return f"{competition}-{season}-{slug(home)}-v-{slug(away)}"


def match_links(db: Database, match_ids: list[str] | None = None) -> dict[str, list[str]]:
    """Match id -> the sources reporting it (configured names, sorted)."""
    query = select(MatchSource.match_id, MatchSource.source).order_by(MatchSource.source)
    if match_ids is not None:
        query = query.where(MatchSource.match_id.in_(match_ids))
    links: dict[str, list[str]] = {}
    with db.session() as session:
        for match_id, source in session.execute(query):
            links.setdefault(match_id, []).append(source)
    return links


def merge_source_match(
    db: Database, report: SourceMatch, *, priorities: Mapping[str, int], now: datetime
) -> MergeOutcome:
    """Apply one source's report of one match (see the module's docstring).

    Args:
        db: The store.
        report: The report, in our names.
        priorities: Every configured source's priority (lower wins).
        now: When the report was merged (logs, ``updated_at``).
    """
    with db.session() as session:
        link = session.scalars(
            select(MatchSource).where(
                MatchSource.source == report.source,
                MatchSource.external_id == report.external_id,
            )
        ).one_or_none()
        match = session.get(Match, link.match_id) if link else _find(session, report)
        if match is None:
            match = _create(session, report, now)
            _link(session, link, match.id, report, now)
            return MergeOutcome(
                match.id,
                created=True,
                result=match.status == "finished",
                postponed=match.status == "postponed",
                cancelled=match.status == "cancelled",
            )
        _link(session, link, match.id, report, now)
        return _apply(session, match, report, priorities, now)


def _find(session: Session, report: SourceMatch) -> Match | None:
    """The match another source (or an import) already made: same league, season, sides."""
    candidates = session.scalars(
        select(Match).where(
            Match.competition == report.competition,
            Match.season == report.season,
            Match.home_team == report.home_team,
            Match.away_team == report.away_team,
        )
    ).all()
    if not candidates:
        return None
    return min(candidates, key=lambda m: abs((m.kickoff_at - report.kickoff_at).total_seconds()))


def _create(session: Session, report: SourceMatch, now: datetime) -> Match:
    base = new_match_id(report.competition, report.season, report.home_team, report.away_team)
    match_id, n = base, 1
    while session.get(Match, match_id) is not None:
        n += 1
        match_id = f"{base}-{n}"
    final = report.status in FINAL and report.home_goals is not None
    match = Match(
        id=match_id,
        competition=report.competition,
        competition_name=report.competition_name,
        season=report.season,
        kickoff_at=report.kickoff_at,
        home_team=report.home_team,
        away_team=report.away_team,
        status=_our_status(report.status) if final or report.status not in FINAL else "live",
        home_goals=report.home_goals if final else None,
        away_goals=report.away_goals if final else None,
        created_at=now,
        updated_at=now,
    )
    session.add(match)
    session.flush()
    session.add(_live_row(report, now, match_id))
    return match


def _live_row(report: SourceMatch, now: datetime, match_id: str) -> MatchLive:
    postponed = report.status == "postponed"
    return MatchLive(
        match_id=match_id,
        duration=report.duration if report.status in FINAL else None,
        awarded=report.status == "awarded",
        postponed_at=now if postponed else None,
        original_kickoff_at=report.kickoff_at if postponed else None,
        result_source=report.source if report.status in FINAL else None,
    )


def _link(
    session: Session, link: MatchSource | None, match_id: str, report: SourceMatch, now: datetime
) -> None:
    if link is None:
        link = MatchSource(source=report.source, external_id=report.external_id)
        session.add(link)
    link.match_id = match_id
    link.status, link.raw_status = report.status, report.raw_status
    link.kickoff_at = report.kickoff_at
    link.home_goals, link.away_goals = report.home_goals, report.away_goals
    link.home_team_id, link.away_team_id = report.home_team_id, report.away_team_id
    link.seen_at = now
    session.flush()


def _our_status(status: str) -> str:
    return "finished" if status == "awarded" else status


def _describe(status: str, home: int | None, away: int | None) -> str:
    return status if home is None or away is None else f"{status} {home}-{away}"


def _apply(
    session: Session,
    match: Match,
    report: SourceMatch,
    priorities: Mapping[str, int],
    now: datetime,
) -> MergeOutcome:
    """Decide the match's kick-off, status and result from every linked source's report."""
    links = session.scalars(select(MatchSource).where(MatchSource.match_id == match.id)).all()
    rank = sorted(links, key=lambda link: (priorities.get(link.source, 1_000_000), link.source))
    lead = rank[0]
    finals = [link for link in rank if link.status in FINAL and link.home_goals is not None]
    kept = finals[0] if finals else None
    before = (match.status, match.kickoff_at, match.home_goals, match.away_goals)
    if kept is not None:
        status, home, away = "finished", kept.home_goals, kept.away_goals
    else:
        status, home, away = lead.status, None, None
    kickoff = lead.kickoff_at if lead.status != "postponed" else match.kickoff_at
    live = session.get(MatchLive, match.id) or MatchLive(match_id=match.id, awarded=False)
    session.add(live)
    disagreement = _disagreements(session, match.id, kept, finals, now)
    if (status, kickoff, home, away) == before:
        return MergeOutcome(match.id, disagreement=disagreement)
    source = kept.source if kept is not None else lead.source
    _note_change(session, match, live, (status, home, away), source, now)
    match.status, match.kickoff_at = status, kickoff
    match.home_goals, match.away_goals, match.updated_at = home, away, now
    if kept is not None:
        if report.source == kept.source:
            live.duration = report.duration
        live.result_source, live.awarded = kept.source, kept.status == "awarded"
    corrected = before[0] == "finished" and status == "finished" and (home, away) != before[2:]
    return MergeOutcome(
        match.id,
        updated=True,
        result=status == "finished" and (before[0] != "finished" or corrected),
        corrected=corrected,
        postponed=status == "postponed" and before[0] != "postponed",
        cancelled=status == "cancelled" and before[0] != "cancelled",
        disagreement=disagreement,
    )


def _note_change(
    session: Session,
    match: Match,
    live: MatchLive,
    new: tuple[str, int | None, int | None],
    source: str,
    now: datetime,
) -> None:
    """Log a change of status or result; remember when a postponement was first seen."""
    old = _describe(match.status, match.home_goals, match.away_goals)
    if new[0] == "postponed" and match.status != "postponed" and live.postponed_at is None:
        live.postponed_at, live.original_kickoff_at = now, match.kickoff_at
    if old != _describe(*new):
        session.add(
            ResultChange(match_id=match.id, old=old, new=_describe(*new), source=source, at=now)
        )


def _disagreements(
    session: Session,
    match_id: str,
    kept: MatchSource | None,
    finals: list[MatchSource],
    now: datetime,
) -> bool:
    """Log each other source's different result once; whether any disagrees now."""
    if kept is None:
        return False
    kept_text = _describe("finished", kept.home_goals, kept.away_goals)
    found = False
    for other in finals[1:]:
        other_text = _describe("finished", other.home_goals, other.away_goals)
        if other_text == kept_text:
            continue
        found = True
        seen = session.scalars(
            select(SourceDisagreement.id).where(
                SourceDisagreement.match_id == match_id,
                SourceDisagreement.other_source == other.source,
                SourceDisagreement.other == other_text,
                SourceDisagreement.kept == kept_text,
            )
        ).first()
        if seen is None:
            session.add(
                SourceDisagreement(
                    match_id=match_id,
                    kept_source=kept.source,
                    kept=kept_text,
                    other_source=other.source,
                    other=other_text,
                    at=now,
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class LinkedMatch:
    """A match and one source's id of it (what the worker fetches by)."""

    match_id: str
    source: str
    external_id: str
    kickoff_at: datetime
    status: str
    home_team_id: str | None
    away_team_id: str | None


def linked_matches(
    db: Database,
    *,
    statuses: tuple[str, ...],
    kickoff_from: datetime,
    kickoff_to: datetime,
    source: str | None = None,
) -> list[LinkedMatch]:
    """Matches in these statuses kicking off in ``[from, to]``, once per linked source."""
    query = (
        select(Match, MatchSource)
        .join(MatchSource, MatchSource.match_id == Match.id)
        .where(Match.status.in_(statuses))
        .where(Match.kickoff_at >= kickoff_from, Match.kickoff_at <= kickoff_to)
        .order_by(Match.kickoff_at, Match.id, MatchSource.source)
    )
    if source is not None:
        query = query.where(MatchSource.source == source)
    with db.session() as session:
        return [
            LinkedMatch(
                m.id,
                s.source,
                s.external_id,
                m.kickoff_at,
                m.status,
                s.home_team_id,
                s.away_team_id,
            )
            for m, s in session.execute(query)
        ]


def report_missing_results(
    db: Database, *, kicked_off_before: datetime, now: datetime
) -> list[str]:
    """Matches kicked off before the moment without a result, not reported yet: mark them
    reported (once) and return their ids."""
    query = (
        select(Match.id)
        .outerjoin(MatchLive, MatchLive.match_id == Match.id)
        .where(Match.status.in_(("scheduled", "live")), Match.kickoff_at < kicked_off_before)
        .where(MatchLive.missing_reported_at.is_(None))
        .where(Match.id.in_(select(MatchSource.match_id)))
        .order_by(Match.id)
    )
    with db.session() as session:
        ids = list(session.scalars(query))
        for match_id in ids:
            live = session.get(MatchLive, match_id)
            if live is None:
                live = MatchLive(match_id=match_id, awarded=False)
                session.add(live)
            live.missing_reported_at = now
    return ids
