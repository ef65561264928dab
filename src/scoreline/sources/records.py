"""The normalised records every adapter returns, whatever the source's wire format.

Names of teams are kept as the source spells them (``Manchester United FC``): resolving
them to our own names is the job of ``sources.teams``, so a record can always be traced
back to what the source said. Every record carries ``fetched_at``, the moment our request
was answered, so a prompt can use only what was known before its job started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

__all__ = [
    "Fixture",
    "Lineup",
    "MatchStatus",
    "MissingPlayer",
    "OddsSnapshot",
    "StandingRow",
    "TeamSplits",
]

Duration = Literal["regular", "extra_time", "penalties"]


class MatchStatus(StrEnum):
    """Our status of a match; each source's own codes map onto these six."""

    SCHEDULED = "scheduled"
    LIVE = "live"
    FINISHED = "finished"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    AWARDED = "awarded"


@dataclass(frozen=True, slots=True)
class Fixture:
    """One match as one source reports it: a fixture before kick-off, a result after."""

    source: str
    """The source's kind (``football-data.org``, ``api-football``, ``football-data.co.uk``)."""
    external_id: str
    """The source's id of the match (for the CSV source, a key built from date and teams)."""
    competition: str
    """Our competition code (``E0``), whatever the source calls it."""
    season: str
    """``2025-26``."""
    kickoff_at: datetime
    """Aware UTC."""
    home: str
    """The home side as the source spells it."""
    away: str
    status: MatchStatus
    raw_status: str
    """The source's own status code (``TIMED``, ``PST`` …), kept for logs and disputes."""
    home_goals: int | None
    """Goals after regular time when finished (extra time and penalties excluded); the
    running score while live; ``None`` before kick-off."""
    away_goals: int | None
    duration: Duration
    """How the match ended (or runs): regular time, extra time or a penalty shoot-out."""
    fetched_at: datetime
    matchday: int | None = None
    home_team_id: str | None = None
    """The source's id of the home team (API-Football needs it for team news)."""
    away_team_id: str | None = None
    updated_at: datetime | None = None
    """When the source last changed the match, if it says."""

    @property
    def went_further(self) -> bool:
        """Whether extra time or penalties were played (the goals are still regular time)."""
        return self.duration != "regular"


@dataclass(frozen=True, slots=True)
class OddsSnapshot:
    """Decimal 1X2 odds of one bookmaker (or a market average) at one moment."""

    source: str
    external_id: str
    """The match, in the source's ids."""
    bookmaker: str
    home: float
    draw: float
    away: float
    fetched_at: datetime
    timing: Literal["pre-match", "closing"] = "pre-match"
    """``closing`` odds are only published after kick-off: never for a prompt."""
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MissingPlayer:
    """A player who will (or may) miss a match, and why."""

    source: str
    external_id: str
    team: str
    player: str
    reason: str
    """The source's reason (``Knee Injury``, ``Red Card``)."""
    kind: Literal["injured", "suspended", "doubtful", "missing"]
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class Lineup:
    """A side's confirmed line-up for one match."""

    source: str
    external_id: str
    team: str
    formation: str | None
    starters: tuple[str, ...]
    substitutes: tuple[str, ...]
    coach: str | None
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class StandingRow:
    """One row of a league table (``scope``: the whole table, or home or away games only)."""

    source: str
    competition: str
    season: str
    scope: Literal["total", "home", "away"]
    position: int
    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    points: int
    fetched_at: datetime
    form: str | None = None
    """Latest results first, ``W``/``D``/``L``, when the source gives them."""


@dataclass(frozen=True, slots=True)
class TeamSplits:
    """A side's season so far, split into home and away games."""

    source: str
    team: str
    season: str
    played_home: int
    played_away: int
    goals_for_home: int
    goals_for_away: int
    goals_against_home: int
    goals_against_away: int
    fetched_at: datetime
    form: str | None = None
