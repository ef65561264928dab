"""League tables and team records from what the world shows as finished."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scoreline.standin.season import Club
from scoreline.standin.world import World

__all__ = ["TableRow", "table_rows"]


@dataclass
class TableRow:
    """One club's season so far (``form``: oldest result first)."""

    club: Club
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    form: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        """Three for a win, one for a draw."""
        return 3 * self.won + self.drawn

    def add(self, scored: int, conceded: int) -> None:
        """Count one finished match."""
        self.played += 1
        self.goals_for += scored
        self.goals_against += conceded
        if scored > conceded:
            self.won += 1
            self.form.append("W")
        elif scored == conceded:
            self.drawn += 1
            self.form.append("D")
        else:
            self.lost += 1
            self.form.append("L")


def table_rows(world: World, season_start: int, now: datetime, *, scope: str) -> list[TableRow]:
    """The season's table at ``now`` (``scope``: total, home or away), best first."""
    rows: dict[str, TableRow] = {}
    for match in world.matches:
        if match.season_start != season_start or match.kickoff_at > now:
            continue
        final = world.final_score(match, now)
        home = rows.setdefault(match.home.name, TableRow(match.home))
        away = rows.setdefault(match.away.name, TableRow(match.away))
        if final is None:
            continue
        if scope in ("total", "home"):
            home.add(final[0], final[1])
        if scope in ("total", "away"):
            away.add(final[1], final[0])
    return sorted(
        rows.values(),
        key=lambda r: (-r.points, -(r.goals_for - r.goals_against), -r.goals_for, r.club.name),
    )
