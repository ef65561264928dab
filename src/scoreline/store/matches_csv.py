"""Reading and validating a matches CSV (the columns of the bundled data set).

Every row is checked before anything touches the database and every problem is collected,
so one run tells the operator everything that is wrong with a file.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from scoreline.moments import parse_kickoff
from scoreline.store.errors import MatchImportError
from scoreline.store.tables import MATCH_STATUSES

__all__ = [
    "BUNDLED_MATCHES_DIR",
    "REQUIRED_COLUMNS",
    "MatchRecord",
    "bundled_matches_path",
    "read_matches_csv",
]

BUNDLED_MATCHES_DIR = Path(__file__).resolve().parent.parent / "data" / "matches"
"""Folder of the match CSVs shipped with the package, one file per competition."""

REQUIRED_COLUMNS = (
    "match_id",
    "competition",
    "competition_name",
    "season",
    "kickoff_utc",
    "home_team",
    "away_team",
    "home_goals",
    "away_goals",
    "odds_home",
    "odds_draw",
    "odds_away",
)
"""Header columns every matches CSV must have; ``status`` is optional."""

_ODDS = ("odds_home", "odds_draw", "odds_away")
_TEXT = ("match_id", "competition", "competition_name", "season", "home_team", "away_team")
"""Columns stored as text and shown to models and people: each is checked by ``_text``."""
MAX_GOALS = 99
MAX_TEXT = 200
"""Longest text value; team names and ids are short, a longer one is a broken file."""
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest file read (the bundled seasons are a few hundred kilobytes)."""
_ID_FORBIDDEN = "/\\?#"
"""Characters a match id may not hold: it is a path segment of the match's page."""
_ID_FORBIDDEN_SET = frozenset(_ID_FORBIDDEN)
_GOAL_NUMBERS = {str(n): n for n in range(MAX_GOALS + 1)}  # goals as written; "007" reads slowly


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One validated CSV row, in the shape of the ``matches`` columns it sets."""

    id: str
    competition: str
    competition_name: str | None
    season: str
    kickoff_at: datetime
    home_team: str
    away_team: str
    status: str
    home_goals: int | None
    away_goals: int | None
    odds_home: float | None
    odds_draw: float | None
    odds_away: float | None

    def values(self) -> dict[str, Any]:
        """Return the row as a ``{column: value}`` dict (called once per row on import)."""
        return dict(zip(_RECORD_FIELDS, _record_values(self), strict=True))


_RECORD_FIELDS = tuple(f.name for f in fields(MatchRecord))
_record_values = attrgetter(*_RECORD_FIELDS)


class _Row:
    """One raw CSV row plus the problems found while reading it."""

    def __init__(self, where: str, raw: dict[str, str], extra: int = 0) -> None:
        self.where = where
        self.raw = raw
        self.problems: list[str] = []
        if extra > 0:
            self.problem("row", f"{extra} more field(s) than the header")

    def problem(self, field: str, message: str) -> None:
        self.problems.append(f"{self.where}: {field}: {message}")

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.raw.get(field, "")
        if required and not value:
            self.problem(field, "empty")
        return value

    def check_text(self, field: str) -> None:
        """Refuse a value that could forge a line of a prompt or break a page."""
        value = self.raw.get(field, "")
        # ``isprintable`` (in C) is False for every control or format character, so the
        # per-character scan runs only for the rare value that may hold one.
        bad = None
        if not value.isprintable():
            bad = next((c for c in value if unicodedata.category(c).startswith("C")), None)
        if bad is not None:
            self.problem(field, f"contains the control character {bad!r}")
        elif len(value) > MAX_TEXT:
            self.problem(field, f"longer than {MAX_TEXT} characters ({len(value)})")
        elif field == "match_id" and any(c in _ID_FORBIDDEN for c in value):
            self.problem(field, f"{value!r}: may not contain any of {_ID_FORBIDDEN}")

    def parse(self, field: str, convert: Callable[[str], Any]) -> Any:
        value = self.raw.get(field, "")
        if not value:
            return None
        try:
            return convert(value)
        except ValueError as exc:
            self.problem(field, f"{value!r}: {exc}")
            return None


def _goals(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise ValueError("not a non-negative integer")
    if int(value) > MAX_GOALS:
        raise ValueError(f"more than {MAX_GOALS} goals")
    return int(value)


def _odds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(number) or number <= 1.0:
        raise ValueError("decimal odds must be greater than 1")
    return number


def _read_goals(row: _Row) -> tuple[int | None, int | None]:
    home = row.parse("home_goals", _goals)
    away = row.parse("away_goals", _goals)
    home_raw, away_raw = row.raw.get("home_goals", ""), row.raw.get("away_goals", "")
    if bool(home_raw) != bool(away_raw):
        empty, other = ("away_goals", "home_goals") if home_raw else ("home_goals", "away_goals")
        row.problem(empty, f"empty while {other} is given (give both goals or neither)")
        return None, None
    return home, away


def _read_odds(row: _Row) -> tuple[float | None, ...]:
    given = [name for name in _ODDS if row.raw.get(name, "")]
    if given and len(given) < len(_ODDS):
        for name in _ODDS:
            if name not in given:
                row.problem(name, "empty while other odds are given (give all three or none)")
    return tuple(row.parse(name, _odds) for name in _ODDS)


def _read_status(row: _Row, goals: tuple[int | None, int | None]) -> str:
    status = row.raw.get("status", "").lower()
    if not status:
        return "finished" if goals[0] is not None and goals[1] is not None else "scheduled"
    if status not in MATCH_STATUSES:
        row.problem("status", f"{status!r} is not one of {', '.join(MATCH_STATUSES)}")
    elif status == "finished" and (goals[0] is None or goals[1] is None):
        row.problem("status", "finished but the goals are missing")
    return status


def _read_row(row: _Row) -> MatchRecord | None:
    """Every check, with its message; ``_fast_record`` may accept no row that this refuses."""
    for field in _TEXT:
        row.check_text(field)
    match_id = row.text("match_id")
    competition = row.text("competition")
    season = row.text("season")
    home_team, away_team = row.text("home_team"), row.text("away_team")
    if home_team and home_team == away_team:
        row.problem("away_team", f"same as home_team ({home_team!r})")
    kickoff = row.parse("kickoff_utc", parse_kickoff)
    if not row.raw.get("kickoff_utc"):
        row.problem("kickoff_utc", "empty")
    goals = _read_goals(row)
    odds = _read_odds(row)
    status = _read_status(row, goals)
    if row.problems:
        return None
    return MatchRecord(
        id=match_id,
        competition=competition,
        competition_name=row.text("competition_name", required=False) or None,
        season=season,
        kickoff_at=kickoff,
        home_team=home_team,
        away_team=away_team,
        status=status,
        home_goals=goals[0],
        away_goals=goals[1],
        odds_home=odds[0],
        odds_draw=odds[1],
        odds_away=odds[2],
    )


class _Layout:
    """Where each column sits in a row, from the stripped header (a repeated name: its last)."""

    def __init__(self, path: Path, header: list[str]) -> None:
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise MatchImportError([f"{path}:1: header: missing column {n}" for n in missing])
        self.width = len(header)
        self.index = {name: i for i, name in enumerate(header)}
        self.distinct = tuple(self.index.values())
        self.simple = len(self.distinct) == self.width
        self.required = itemgetter(*(self.index[name] for name in REQUIRED_COLUMNS))
        self.status = self.index.get("status")

    def raw(self, row: list[str]) -> dict[str, str]:
        """The stripped ``{column: value}`` of a row; a column the row lacks is empty."""
        return {name: (row[i] if i < len(row) else "").strip() for name, i in self.index.items()}


def _fast_record(row: list[str], layout: _Layout, kicks: dict[str, datetime]) -> MatchRecord | None:
    """A full-width row's record if cheap checks pass (``_read_row`` gives the same), else None.

    None leaves a row with a problem, or a rare valid form (goals ``007``), to ``_read_row``.
    """
    (match_id, comp, name, season, kick, home, away, home_goals, away_goals,
     odds_home, odds_draw, odds_away) = map(str.strip, layout.required(row))  # fmt: skip
    texts = (match_id, comp, name, season, home, away)
    if (
        not (match_id and comp and season and home and away)
        or home == away
        or max(map(len, texts)) > MAX_TEXT
        or not "".join(texts).isprintable()  # printable exactly when every value is
        or not _ID_FORBIDDEN_SET.isdisjoint(match_id)
    ):
        return None
    kickoff = kicks.get(kick)
    if kickoff is None:
        try:
            kickoff = kicks[kick] = parse_kickoff(kick)  # kick-offs repeat: parse each once
        except ValueError:
            return None
    scores = _fast_scores(home_goals, away_goals, odds_home, odds_draw, odds_away)
    if scores is None:
        return None
    status = row[layout.status].strip().lower() if layout.status is not None else ""
    if not status:
        status = "scheduled" if scores[0] is None else "finished"
    elif status not in MATCH_STATUSES or (status == "finished" and scores[0] is None):
        return None
    return MatchRecord(match_id, comp, name or None, season, kickoff, home, away, status, *scores)


def _fast_scores(home: str, away: str, *odds_text: str) -> tuple[Any, ...] | None:
    """Goals (both or neither) and odds (all three or none) read as the detailed checks do."""
    goals = (_GOAL_NUMBERS.get(home), _GOAL_NUMBERS.get(away)) if home or away else (None, None)
    if None in goals and (home or away):
        return None
    if not any(odds_text):
        return (*goals, None, None, None)
    try:
        odds = tuple(map(float, odds_text))
    except ValueError:
        return None
    # A chained comparison is False for nan, so this is ``isfinite`` and above 1 for each.
    if 1.0 < odds[0] < math.inf and 1.0 < odds[1] < math.inf and 1.0 < odds[2] < math.inf:
        return goals + odds
    return None


def _rows(path: Path, reader: Any, layout: _Layout) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the line it starts on (a quoted field may span lines).

    Raises:
        MatchImportError: Not CSV (a NUL byte, a field over the csv limit), said of the line
            after the last row read, or after the first empty line read since that row.
    """
    seen, after_row = reader.line_num, True
    simple, width, distinct = layout.simple, layout.width, layout.distinct
    try:
        for row in reader:
            if not row:
                seen, after_row = (reader.line_num, False) if after_row else (seen, False)
                continue
            seen, after_row = reader.line_num, True
            size = len(row)  # a short row: its values; a long one: not the extra fields
            text = "".join(
                row if simple and size <= width else [row[i] for i in distinct if i < size]
            )
            if text and not text.isspace():  # else a blank line
                yield seen - text.count("\n"), row
    except csv.Error as exc:
        raise MatchImportError([f"{path}:{seen + 1}: file: not a readable CSV ({exc})"]) from None


def _decode(path: Path) -> str:
    """The file's text (UTF-8, optional BOM), or a ``MatchImportError`` naming the problem."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MatchImportError([f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB"])
        data = path.read_bytes()
    except FileNotFoundError:
        raise MatchImportError([f"{path}: file not found"]) from None
    except IsADirectoryError:
        raise MatchImportError([f"{path}: is a directory, not a CSV file"]) from None
    except OSError as exc:
        raise MatchImportError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MatchImportError(
            [f"{path}:{line}: file: not UTF-8 text (byte {data[exc.start]:#04x}); save it as UTF-8"]
        ) from None


def read_matches_csv(path: Path) -> list[MatchRecord]:
    """Read and validate a whole matches CSV.

    Args:
        path: The CSV file (UTF-8, optional BOM, header on line 1).

    Returns:
        One record per data row, in file order.

    Raises:
        MatchImportError: With every problem found (an unreadable or non-UTF-8 file, missing
            header columns, bad dates, goals, odds, statuses, empty or unsafe text, duplicate
            ids).
    """
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    try:
        layout = _Layout(path, [name.strip() for name in next(reader, None) or []])
    except csv.Error as exc:  # a NUL byte, a field over the csv module's limit
        raise MatchImportError([f"{path}:1: header: not a readable CSV ({exc})"]) from None
    return _read_records(path, reader, layout)


def _read_records(path: Path, reader: Any, layout: _Layout) -> list[MatchRecord]:
    """Every record, or every problem: cheap checks first, the detailed ones for the rest."""
    problems: list[str] = []
    records: list[MatchRecord] = []
    first_line: dict[str, int] = {}
    kicks: dict[str, datetime] = {}
    for line, raw in _rows(path, reader, layout):
        extra = len(raw) - layout.width
        record = _fast_record(raw, layout, kicks) if extra == 0 else None
        if record is None:  # a problem, or a rare valid form: the detailed checks decide
            row = _Row(f"{path}:{line}", layout.raw(raw), extra)
            record, found, match_id = _read_row(row), row.problems, row.raw.get("match_id", "")
        else:
            found, match_id = [], record.id
        if match_id in first_line:
            found.append(f"{path}:{line}: match_id: duplicate of line {first_line[match_id]}")
        elif match_id:
            first_line[match_id] = line
        problems.extend(found)
        if record is not None and not found:
            records.append(record)
    if problems:
        raise MatchImportError(problems)
    return records


def bundled_matches_path(competition: str = "E0") -> Path:
    """Return the CSV of real matches shipped with the package for ``competition``.

    Args:
        competition: football-data division code; only ``E0`` (Premier League) is bundled.

    Returns:
        Path to the file.

    Raises:
        FileNotFoundError: No bundled file for that competition.
    """
    path = BUNDLED_MATCHES_DIR / f"{competition}.csv"
    if not competition.isalnum() or not path.is_file():
        known = ", ".join(sorted(p.stem for p in BUNDLED_MATCHES_DIR.glob("*.csv")))
        raise FileNotFoundError(f"no bundled matches for {competition!r} (bundled: {known})")
    return path
