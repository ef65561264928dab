"""The stand-in's world: a simulated clock over the bundled matches.

As the clock advances a match goes scheduled -> first half -> half time -> second half ->
finished (110 minutes after kick-off), its goals arriving at fixed minutes drawn from its
index. One upcoming match is postponed from the start; another is first reported finished
with a wrong score, corrected 30 minutes later. Thread-safe: the HTTP handlers and the test
(or the ``/_standin/clock`` route) share it.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from scoreline.standin.season import Played

__all__ = ["FINISHED_AFTER", "Moment", "World"]

FIRST_HALF_END = 47.0
SECOND_HALF_START = 62.0
FINISHED_AFTER = timedelta(minutes=110)
"""A match's result is available this long after kick-off."""
CORRECTED_AFTER = timedelta(minutes=30)
"""The corrected match shows its wrong score this long after it finished."""
Phase = Literal["scheduled", "first_half", "half_time", "second_half", "finished", "postponed"]


@dataclass(frozen=True, slots=True)
class Moment:
    """A match as the world shows it now."""

    phase: Phase
    minute: int | None
    home: int | None
    away: int | None
    halftime: tuple[int, int] | None
    updated_at: datetime
    """When what is shown last changed."""


class World:
    """The matches and the simulated clock."""

    def __init__(
        self,
        matches: list[Played],
        *,
        now: datetime,
        postponed: int | None = 1,
        corrected: int | None = 2,
    ) -> None:
        """Start the clock at ``now``.

        Args:
            matches: Every match, in kick-off order.
            now: Aware UTC start of the simulated clock.
            postponed: Which upcoming match (0 = the next to kick off) is postponed; None: none.
            corrected: Which upcoming match finishes with a wrong score, corrected later.
        """
        self.matches = matches
        self._lock = threading.Lock()
        self._now = now
        self.started_at = now
        upcoming = [m for m in matches if m.kickoff_at > now]
        self.postponed = _pick(upcoming, postponed)
        self.corrected = _pick(upcoming, corrected)

    @property
    def now(self) -> datetime:
        """The simulated time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock on (never back); return the new time."""
        with self._lock:
            self._now += timedelta(seconds=max(0.0, seconds))
            return self._now

    def set_now(self, moment: datetime) -> datetime:
        """Move the clock to ``moment`` if later; return the time."""
        with self._lock:
            self._now = max(self._now, moment)
            return self._now

    def moment(self, match: Played, now: datetime | None = None) -> Moment:
        """What the world shows of ``match`` at ``now`` (the clock by default)."""
        now = now or self.now
        if self.postponed is not None and match.index == self.postponed.index:
            return Moment("postponed", None, None, None, None, self.started_at)
        elapsed = (now - match.kickoff_at).total_seconds() / 60
        if elapsed < 0:
            return Moment("scheduled", None, None, None, None, self.started_at)
        goals = _goal_minutes(match)
        halftime = _score_at(goals, 45)
        if elapsed >= FINISHED_AFTER.total_seconds() / 60:
            return self._final(match, now, halftime)
        if elapsed < FIRST_HALF_END:
            minute = min(45, int(elapsed) + 1)
            phase: Phase = "first_half"
        elif elapsed < SECOND_HALF_START:
            minute, phase = 45, "half_time"
        else:
            minute, phase = min(90, 46 + int(elapsed - SECOND_HALF_START)), "second_half"
        home, away = _score_at(goals, minute)
        changed = match.kickoff_at + timedelta(minutes=elapsed)
        return Moment(phase, minute, home, away, halftime if minute >= 45 else None, changed)

    def _final(self, match: Played, now: datetime, halftime: tuple[int, int]) -> Moment:
        finished_at = match.kickoff_at + FINISHED_AFTER
        home, away = match.home_goals, match.away_goals
        if self.corrected is not None and match.index == self.corrected.index:
            if now < finished_at + CORRECTED_AFTER:
                return Moment("finished", 90, home + 1, away, halftime, finished_at)
            finished_at += CORRECTED_AFTER
        return Moment("finished", 90, home, away, halftime, finished_at)

    def final_score(self, match: Played, now: datetime | None = None) -> tuple[int, int] | None:
        """The score shown for a finished match now; ``None`` before the end."""
        shown = self.moment(match, now)
        if shown.phase != "finished" or shown.home is None or shown.away is None:
            return None
        return shown.home, shown.away


def _pick(upcoming: list[Played], position: int | None) -> Played | None:
    if position is None or position >= len(upcoming):
        return None
    return upcoming[position]


def _goal_minutes(match: Played) -> list[tuple[int, str]]:
    """The minute of each goal (1-90), the same every time for a match."""
    draw = random.Random(match.index)
    goals = [(draw.randint(1, 90), "home") for _ in range(match.home_goals)]
    goals += [(draw.randint(1, 90), "away") for _ in range(match.away_goals)]
    return sorted(goals)


def _score_at(goals: list[tuple[int, str]], minute: int) -> tuple[int, int]:
    home = sum(1 for at, side in goals if at <= minute and side == "home")
    away = sum(1 for at, side in goals if at <= minute and side == "away")
    return home, away
