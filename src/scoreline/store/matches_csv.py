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
        """Return the row as a ``{column: value}`` dict."""
        return {f.name: getattr(self, f.name) for f in fields(MatchRecord)}


class _Row:
    """One raw CSV row plus the problems found while reading it."""

    def __init__(self, where: str, raw: dict[str, str | None]) -> None:
        self.where = where
        self.raw = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        self.problems: list[str] = []

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


def _rows(path: Path, reader: csv.DictReader[str]) -> Iterator[tuple[int, _Row]]:
    """Each non-blank row with the line it starts on (a quoted field may span lines).

    Raises:
        MatchImportError: The text is not CSV (a NUL byte, a field over the csv limit).
    """
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num + 1
            raise MatchImportError([f"{path}:{line}: file: not a readable CSV ({exc})"]) from None
        values = [v for v in raw.values() if isinstance(v, str)]
        if not any(v.strip() for v in values):
            continue  # blank line
        line = reader.line_num - sum(v.count("\n") for v in values)  # where the row starts
        row = _Row(f"{path}:{line}", raw)
        if None in raw:
            row.problem("row", f"{len(raw[None])} more field(s) than the header")
        yield line, row


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


def _header(path: Path, reader: csv.DictReader[str]) -> None:
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise MatchImportError([f"{path}:1: header: missing column {n}" for n in missing])
    reader.fieldnames = header


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
    reader = csv.DictReader(io.StringIO(_decode(path), newline=""))
    try:
        _header(path, reader)
    except csv.Error as exc:  # a NUL byte, a field over the csv module's limit
        raise MatchImportError([f"{path}:1: header: not a readable CSV ({exc})"]) from None
    return _read_records(path, reader)


def _read_records(path: Path, reader: csv.DictReader[str]) -> list[MatchRecord]:
    problems: list[str] = []
    records: list[MatchRecord] = []
    first_line: dict[str, int] = {}
    for line, row in _rows(path, reader):
        record = _read_row(row)
        match_id = row.raw.get("match_id", "")
        if match_id in first_line:
            row.problem("match_id", f"duplicate of line {first_line[match_id]}")
        elif match_id:
            first_line[match_id] = line
        problems.extend(row.problems)
        if record is not None and not row.problems:
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
