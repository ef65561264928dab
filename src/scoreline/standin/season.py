"""The stand-in's matches: the bundled real Premier League seasons, read with ``csv``, and
the names and ids each real service uses for the clubs.

The stand-in shares no code with ``scoreline.sources``: its spellings are its own table
(what football-data.org and API-Football really call the clubs), so a gap in the
adapters' alias table shows up as an unknown team, as it would against the real services.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

__all__ = ["CLUBS", "Club", "Played", "load_matches"]


@dataclass(frozen=True, slots=True)
class Club:
    """One club as each service names it."""

    name: str
    """football-data.co.uk's spelling (the bundled CSV's)."""
    fd_id: int
    fd_name: str
    fd_short: str
    tla: str
    af_id: int
    af_name: str


_TABLE = """\
Arsenal|57|Arsenal FC|Arsenal|ARS|42|Arsenal
Aston Villa|58|Aston Villa FC|Aston Villa|AVL|66|Aston Villa
Bournemouth|1044|AFC Bournemouth|Bournemouth|BOU|35|Bournemouth
Brentford|402|Brentford FC|Brentford|BRE|55|Brentford
Brighton|397|Brighton & Hove Albion FC|Brighton Hove|BHA|51|Brighton
Burnley|328|Burnley FC|Burnley|BUR|44|Burnley
Chelsea|61|Chelsea FC|Chelsea|CHE|49|Chelsea
Crystal Palace|354|Crystal Palace FC|Crystal Palace|CRY|52|Crystal Palace
Everton|62|Everton FC|Everton|EVE|45|Everton
Fulham|63|Fulham FC|Fulham|FUL|36|Fulham
Ipswich|349|Ipswich Town FC|Ipswich Town|IPS|57|Ipswich
Leeds|341|Leeds United FC|Leeds United|LEE|63|Leeds
Leicester|338|Leicester City FC|Leicester City|LEI|46|Leicester
Liverpool|64|Liverpool FC|Liverpool|LIV|40|Liverpool
Luton|389|Luton Town FC|Luton Town|LUT|1359|Luton
Man City|65|Manchester City FC|Man City|MCI|50|Manchester City
Man United|66|Manchester United FC|Man United|MUN|33|Manchester United
Newcastle|67|Newcastle United FC|Newcastle|NEW|34|Newcastle
Norwich|68|Norwich City FC|Norwich|NOR|71|Norwich
Nott'm Forest|351|Nottingham Forest FC|Nottingham|NOT|65|Nottingham Forest
Sheffield United|356|Sheffield United FC|Sheffield Utd|SHU|62|Sheffield Utd
Southampton|340|Southampton FC|Southampton|SOU|41|Southampton
Sunderland|71|Sunderland AFC|Sunderland|SUN|746|Sunderland
Tottenham|73|Tottenham Hotspur FC|Tottenham|TOT|47|Tottenham
Watford|346|Watford FC|Watford|WAT|38|Watford
West Ham|563|West Ham United FC|West Ham|WHU|48|West Ham
Wolves|76|Wolverhampton Wanderers FC|Wolverhampton|WOL|39|Wolves
"""


def _clubs() -> dict[str, Club]:
    clubs = {}
    for line in _TABLE.splitlines():
        name, fd_id, fd_name, fd_short, tla, af_id, af_name = line.split("|")
        clubs[name] = Club(name, int(fd_id), fd_name, fd_short, tla, int(af_id), af_name)
    return clubs


CLUBS = _clubs()
"""Every club of the bundled seasons, by football-data.co.uk spelling."""


@dataclass(frozen=True, slots=True)
class Played:
    """One real match of the bundled seasons."""

    index: int
    """Position in the file (ids at each service are built from it)."""
    season: str
    """``2025-26``."""
    season_start: int
    kickoff_at: datetime
    home: Club
    away: Club
    home_goals: int
    away_goals: int
    odds: tuple[float, float, float] | None
    matchday: int


def load_matches(path: Path | None = None) -> list[Played]:
    """Every match of the bundled E0 file (or ``path``), in kick-off order.

    Matchdays are blocks of ten matches in kick-off order within a season (a rearranged
    match lands in the block of its new date, as near as a stand-in needs).
    """
    if path is None:
        text = resources.files("scoreline.data").joinpath("matches/E0.csv").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    rows = sorted(csv.DictReader(text.splitlines()), key=lambda r: r["kickoff_utc"])
    in_season: dict[str, int] = {}
    matches = []
    for index, row in enumerate(rows):
        season = row["season"]
        home, away = row["home_team"], row["away_team"]
        in_season[season] = in_season.get(season, 0) + 1
        matchday = (in_season[season] - 1) // 10 + 1
        matches.append(
            Played(
                index=index,
                season=season,
                season_start=int(season[:4]),
                kickoff_at=datetime.fromisoformat(
                    row["kickoff_utc"].replace("Z", "+00:00")
                ).astimezone(UTC),
                home=CLUBS[home],
                away=CLUBS[away],
                home_goals=int(row["home_goals"]),
                away_goals=int(row["away_goals"]),
                odds=_odds(row),
                matchday=matchday,
            )
        )
    return matches


def _odds(row: dict[str, str]) -> tuple[float, float, float] | None:
    try:
        return float(row["odds_home"]), float(row["odds_draw"]), float(row["odds_away"])
    except (KeyError, ValueError):
        return None
