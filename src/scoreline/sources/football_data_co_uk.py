"""football-data.co.uk: the season CSV files, results and closing odds of ~20 leagues.

One file a league and season (``/mmz4281/2526/E0.csv``), a row a played match: ``Date``
(dd/mm/yy or dd/mm/yyyy) and ``Time`` in UK local time, ``HomeTeam``, ``AwayTeam``,
``FTHG``/``FTAG`` (regular-time goals: league matches have no extra time), market-average
odds collected before the weekend (``AvgH``…, ``BbAvH``… before 2019-20) and at kick-off
(``AvgCH``…, the closing odds). No key. The files are static, so conditional requests save
most of the transfer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from scoreline.sources.errors import SourceDataError
from scoreline.sources.http import SourceClient
from scoreline.sources.parsing import season_label, season_of, season_start_year
from scoreline.sources.records import Fixture, MatchStatus, OddsSnapshot
from scoreline.sources.teams import Competitions, UnknownCompetitionError

__all__ = ["DEFAULT_BASE_URL", "KIND", "FootballDataCoUk", "SeasonFile", "parse_season_csv"]

KIND = "football-data.co.uk"
DEFAULT_BASE_URL = "https://www.football-data.co.uk"
UK = ZoneInfo("Europe/London")
DEFAULT_LOCAL_TIME = "15:00"
"""Old seasons have no ``Time`` column: the traditional Saturday kick-off."""
ODDS_COLUMNS = (
    ("AvgCH", "AvgCD", "AvgCA", "market average (closing)", "closing"),
    ("AvgH", "AvgD", "AvgA", "market average", "pre-match"),
    ("BbAvH", "BbAvD", "BbAvA", "market average", "pre-match"),
    ("B365H", "B365D", "B365A", "Bet365", "pre-match"),
)


@dataclass(frozen=True, slots=True)
class SeasonFile:
    """One league's season as the CSV has it so far."""

    fixtures: list[Fixture]
    odds: list[OddsSnapshot]
    """Closing odds where the file has them, else the pre-match market average."""


class FootballDataCoUk:
    """The football-data.co.uk adapter (``kind = "football-data.co.uk"``)."""

    kind = KIND

    def __init__(self, client: SourceClient, *, competitions: Competitions | None = None) -> None:
        """Adapt ``client`` (no key; ``base_url`` may point at a mirror or the stand-in)."""
        self.client = client
        self.competitions = competitions or Competitions.bundled()

    @property
    def name(self) -> str:
        """The configured name of the source."""
        return self.client.source

    def season_file(self, competition: str, season: str) -> SeasonFile:
        """Every row of the league's season file (``season``: ``2025-26``).

        Raises:
            SourceError: when the file cannot be fetched or read.
        """
        code = self._code(competition)
        start = season_start_year(season)
        path = f"mmz4281/{start % 100:02d}{(start + 1) % 100:02d}/{code}.csv"
        response = self.client.get_text(path)
        try:
            return parse_season_csv(
                response.data,
                competition=self.competitions.resolve(code).code,
                season=season_label(start),
                fetched_at=response.fetched_at,
            )
        except (KeyError, ValueError) as exc:
            raise self.client.fail(SourceDataError, f"{path} unreadable: {exc}") from None

    def fixtures(self, competition: str, *, date_from: date, date_to: date) -> list[Fixture]:
        """The played matches kicking off between the two days (the files hold results only).

        Raises:
            SourceError: when a file cannot be fetched or read.
        """
        found: list[Fixture] = []
        for start in range(season_of(date_from), season_of(date_to) + 1):
            for fixture in self.season_file(competition, season_label(start)).fixtures:
                if date_from <= fixture.kickoff_at.date() <= date_to:
                    found.append(fixture)
        return found

    def _code(self, competition: str) -> str:
        found = self.competitions.resolve(competition)
        if found.football_data_co_uk is None:
            raise UnknownCompetitionError(f"{KIND} has no file for competition {found.code}")
        return found.football_data_co_uk


def parse_season_csv(
    text: str, *, competition: str, season: str, fetched_at: datetime
) -> SeasonFile:
    """A season file's rows as results and odds; blank trailing rows are skipped.

    Raises:
        KeyError: when a required column is missing.
        ValueError: for a date, time or goal count that cannot be read.
    """
    fixtures, odds = [], []
    for row in csv.DictReader(io.StringIO(text)):
        if not (row.get("HomeTeam") or "").strip():
            continue
        kickoff = _kickoff(row["Date"], row.get("Time") or DEFAULT_LOCAL_TIME)
        home, away = row["HomeTeam"].strip(), row["AwayTeam"].strip()
        external_id = f"{row['Div']}-{kickoff:%Y%m%d}-{home}-{away}"
        played = (row.get("FTHG") or "").strip() != ""
        fixtures.append(
            Fixture(
                source=KIND,
                external_id=external_id,
                competition=competition,
                season=season,
                kickoff_at=kickoff,
                home=home,
                away=away,
                status=MatchStatus.FINISHED if played else MatchStatus.SCHEDULED,
                raw_status=row.get("FTR") or "",
                home_goals=int(row["FTHG"]) if played else None,
                away_goals=int(row["FTAG"]) if played else None,
                duration="regular",
                fetched_at=fetched_at,
            )
        )
        snapshot = _odds(row, external_id, fetched_at)
        if snapshot is not None:
            odds.append(snapshot)
    return SeasonFile(fixtures, odds)


def _kickoff(day: str, local_time: str) -> datetime:
    parsed = None
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%y %H:%M"):
        try:
            parsed = datetime.strptime(f"{day.strip()} {local_time.strip()}", pattern)
            break
        except ValueError:
            continue
    if parsed is None:
        raise ValueError(f"unreadable date/time {day!r} {local_time!r}")
    return parsed.replace(tzinfo=UK).astimezone(UTC)


def _odds(row: dict[str, str], external_id: str, fetched_at: datetime) -> OddsSnapshot | None:
    for home, draw, away, bookmaker, timing in ODDS_COLUMNS:
        try:
            prices = [float(row[home]), float(row[draw]), float(row[away])]
        except (KeyError, TypeError, ValueError):
            continue
        return OddsSnapshot(
            source=KIND,
            external_id=external_id,
            bookmaker=bookmaker,
            home=prices[0],
            draw=prices[1],
            away=prices[2],
            fetched_at=fetched_at,
            timing=timing,  # type: ignore[arg-type]
        )
    return None
