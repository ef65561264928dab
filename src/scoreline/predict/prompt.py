"""The prediction prompt, built only from what was known before kick-off.

``build_context`` takes the match and earlier results and computes the league table of the
season so far, each side's last five results and the last head-to-head meetings. It filters
by kick-off itself, so a caller that passes too much history still cannot leak a later result
into the prompt. ``render_prompt`` turns the context into text deterministically: the same
context always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from scoreline.scoring import PastResult

if TYPE_CHECKING:
    from scoreline.store import MatchSnapshots

__all__ = [
    "PROMPT_VERSION",
    "SYSTEM_PROMPT",
    "FixtureInfo",
    "MatchContext",
    "PastResult",
    "TeamStanding",
    "build_context",
    "prompt_sha256",
    "render_prompt",
    "sample_context",
    "source_lines",
]

PROMPT_VERSION = "3"
"""Changes whenever ``SYSTEM_PROMPT`` or ``render_prompt`` would send other words: each
attempt records it beside the SHA-256 of the exact text sent."""


def prompt_sha256(text: str) -> str:
    """The hex SHA-256 of a prompt's UTF-8 text: its key in the store's ``prompts`` table."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SYSTEM_PROMPT = """\
You are an expert football analyst taking part in a score-prediction league.
For each match you are given, predict the exact full-time score (90 minutes plus stoppage time).
Points reward the right tendency (home win, draw, away win), more for the right goal difference
and most for the exact score; unlikely tendencies that turn out right earn more.
Also give your probabilities of a home win, a draw and an away win (numbers from 0 to 1 that
sum to 1); they are judged with proper scoring rules, so state what you believe.
Reply with JSON only, in exactly this shape:
{"predictions": [{"match_id": "<id as given>", "home_score": <int>, "away_score": <int>,
"p_home": <number>, "p_draw": <number>, "p_away": <number>}]}"""


@dataclass(frozen=True, slots=True)
class FixtureInfo:
    """The match to predict: no result, by construction."""

    match_id: str
    competition: str
    competition_name: str | None
    season: str
    kickoff_at: datetime
    home_team: str
    away_team: str


@dataclass(frozen=True, slots=True)
class TeamStanding:
    """A side's league position and recent form before kick-off."""

    team: str
    position: int
    played: int
    points: int
    goals_for: int
    goals_against: int
    last_five: tuple[str, ...] = ()

    @property
    def goal_difference(self) -> int:
        """Goals for minus goals against."""
        return self.goals_for - self.goals_against


@dataclass(frozen=True, slots=True)
class MatchContext:
    """Everything the prompt says about a match."""

    fixture: FixtureInfo
    home: TeamStanding | None
    away: TeamStanding | None
    head_to_head: tuple[str, ...] = field(default=())


def _table(results: Sequence[PastResult]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = {}  # team -> [played, points, gf, ga]
    for r in results:
        for team, scored, conceded in (
            (r.home_team, r.home_goals, r.away_goals),
            (r.away_team, r.away_goals, r.home_goals),
        ):
            row = table.setdefault(team, [0, 0, 0, 0])
            row[0] += 1
            row[1] += 3 if scored > conceded else 1 if scored == conceded else 0
            row[2] += scored
            row[3] += conceded
    return table


def _form_line(result: PastResult, team: str) -> str:
    at_home = result.home_team == team
    scored, conceded = (
        (result.home_goals, result.away_goals)
        if at_home
        else (result.away_goals, result.home_goals)
    )
    outcome = "W" if scored > conceded else "D" if scored == conceded else "L"
    opponent = result.away_team if at_home else result.home_team
    venue = "H" if at_home else "A"
    return f"{outcome} {scored}-{conceded} v {opponent} ({venue}, {result.kickoff_at:%Y-%m-%d})"


def _standing(
    team: str, season_results: Sequence[PastResult], all_results: Sequence[PastResult]
) -> TeamStanding | None:
    table = _table(season_results)
    ranked = sorted(
        table.items(), key=lambda kv: (-kv[1][1], -(kv[1][2] - kv[1][3]), -kv[1][2], kv[0])
    )
    positions = {name: index + 1 for index, (name, _) in enumerate(ranked)}
    recent = [r for r in all_results if team in (r.home_team, r.away_team)][-5:]
    if team not in table and not recent:
        return None
    played, points, gf, ga = table.get(team, [0, 0, 0, 0])
    return TeamStanding(
        team=team,
        position=positions.get(team, 0),
        played=played,
        points=points,
        goals_for=gf,
        goals_against=ga,
        last_five=tuple(_form_line(r, team) for r in reversed(recent)),
    )


def build_context(
    fixture: FixtureInfo, history: Iterable[PastResult], *, meetings: int = 5
) -> MatchContext:
    """The context of a match from results strictly before its kick-off."""
    earlier = sorted(
        (r for r in history if r.kickoff_at < fixture.kickoff_at),
        key=lambda r: (r.kickoff_at, r.home_team, r.away_team),
    )
    season = [r for r in earlier if r.season == fixture.season]
    pair = {fixture.home_team, fixture.away_team}
    h2h = [r for r in earlier if {r.home_team, r.away_team} == pair][-meetings:]
    return MatchContext(
        fixture=fixture,
        home=_standing(fixture.home_team, season, earlier),
        away=_standing(fixture.away_team, season, earlier),
        head_to_head=tuple(
            f"{r.kickoff_at:%Y-%m-%d} {r.home_team} {r.home_goals}-{r.away_goals} {r.away_team}"
            for r in reversed(h2h)
        ),
    )


def _describe(label: str, standing: TeamStanding | None, team: str) -> list[str]:
    if standing is None:
        return [f"{label}: {team} (no earlier results in the data)"]
    lines = [
        f"{label}: {team} — position {standing.position or '-'}, {standing.points} pts from "
        f"{standing.played} games, goals {standing.goals_for}-{standing.goals_against} "
        f"(difference {standing.goal_difference:+d})"
    ]
    lines += [f"  recent: {line}" for line in standing.last_five] or ["  recent: none"]
    return lines


def _per_game(goals: int, played: int) -> str:
    return f"{goals / played:.2f}" if played else "-"


def _side_lines(label: str, team: str, venue: str, snapshots: MatchSnapshots) -> list[str]:
    """One side's missing players, line-up, split at this venue and form, when known."""
    lines = []
    missing = [m for m in snapshots.missing if m.team == team]
    if missing:
        names = "; ".join(f"{m.player} ({m.kind}, {m.reason})" for m in missing)
        lines.append(f"{label} missing: {names}")
    for lineup in [u for u in snapshots.lineups if u.team == team][:1]:
        starters = ", ".join(lineup.starters.splitlines())
        lines.append(f"{label} line-up ({lineup.formation or 'formation unknown'}): {starters}")
    for row in [r for r in snapshots.standings if r.team == team and r.scope == venue][:1]:
        lines.append(
            f"{label} {venue} games this season: {row.played} played, goals per game "
            f"{_per_game(row.goals_for, row.played)} for, "
            f"{_per_game(row.goals_against, row.played)} against"
        )
    for row in [r for r in snapshots.standings if r.team == team and r.scope == "total"][:1]:
        if row.form:
            lines.append(f"{label} form (latest first): {row.form}")
    return lines


def source_lines(
    fixture: FixtureInfo, snapshots: MatchSnapshots, *, include_odds: bool = False
) -> tuple[str, ...]:
    """What the data sources said before the prompt's job started, as prompt lines.

    ``snapshots`` come from ``store.snapshots_before(..., before=<the job's now>)``, so
    nothing fetched later can appear. The market's implied probabilities only with
    ``include_odds`` (``[prompt] include_odds``): off by default, so models are compared
    with the market without seeing it.
    """
    lines = _side_lines("home side", fixture.home_team, "home", snapshots)
    lines += _side_lines("away side", fixture.away_team, "away", snapshots)
    pre_match = [o for o in snapshots.odds if o.timing == "pre-match"]
    if include_odds and pre_match:
        shares = [sum(1 / getattr(o, side) for o in pre_match) for side in ("home", "draw", "away")]
        home, draw, away = (100 * share / sum(shares) for share in shares)
        lines.append(
            f"market implied probabilities: home {home:.0f}%, draw {draw:.0f}%, away {away:.0f}%"
        )
    return tuple(lines)


def render_prompt(context: MatchContext, notes: Sequence[str] = ()) -> str:
    """The user prompt for one match; ``notes`` are ``source_lines`` (none: as before)."""
    f = context.fixture
    competition = f.competition_name or f.competition
    lines = [
        "Predict the exact full-time score of this match.",
        "",
        f"match_id: {f.match_id}",
        f"competition: {competition} ({f.competition}), season {f.season}",
        f"kick-off: {f.kickoff_at:%Y-%m-%d %H:%M} UTC",
        f"fixture: {f.home_team} (home) v {f.away_team} (away)",
        "",
        *_describe("home side", context.home, f.home_team),
        *_describe("away side", context.away, f.away_team),
        "",
        "last meetings:",
        *([f"  {line}" for line in context.head_to_head] or ["  none in the data"]),
    ]
    if notes:
        lines += ["", "from the data sources, before this prompt:", *(f"  {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def sample_context(now: datetime) -> MatchContext:
    """A small, made-up match used to check that models answer (``scoreline models check``)."""
    fixture = FixtureInfo(
        match_id="check-0001",
        competition="E0",
        competition_name="English Premier League",
        season="sample",
        kickoff_at=now,
        home_team="Arsenal",
        away_team="Chelsea",
    )
    return MatchContext(fixture=fixture, home=None, away=None)
