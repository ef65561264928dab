"""The cheap checks of a matches CSV row agree with the detailed ones on every edge value.

``read_matches_csv`` reads a row with cheap checks first and leaves any doubt to the detailed
checks, which word the problems; each test reads the same file both ways and compares.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest

from scoreline.store import matches_csv
from scoreline.store.errors import MatchImportError

from .conftest import HEADER

COLUMNS = [*HEADER.split(","), "status"]
GOOD = {
    "match_id": "m",
    "competition": "E0",
    "competition_name": "English Premier League",
    "season": "2024-25",
    "kickoff_utc": "2025-01-11T15:00:00Z",
    "home_team": "Arsenal",
    "away_team": "Chelsea",
    "home_goals": "2",
    "away_goals": "1",
    "odds_home": "2.1",
    "odds_draw": "3.4",
    "odds_away": "3.5",
    "status": "",
}
TEXT = [
    "", " ", "  x  ", "\t", "a\x00b", "a\x07", "\u200b", "\xa0", "a\u2028b", "x" * 200,
    "x" * 201, " " + "x" * 200 + " ", "a/b", "a?b", "a#b", "a\\b", "é", "日本", '"q"',
    "a,b", "a\nb", "a\r\nb", "Arsenal", "Chelsea",
]  # fmt: skip
EDGES = {
    "goals": ["", "0", "1", "99", "100", "007", "-1", "1.0", "x", " 2 ", "٣", "+1", "1e1"],
    "odds": [
        "", "1", "1.0", "1.01", "2.5", "nan", "NaN", "inf", "-inf", "1e309", "0", "-2", "x",
        "1_5", " 3 ", "٣", "2.", ".5e1",
    ],
    "kickoff_utc": [
        "", "2025-01-11T15:00:00Z", "2025-01-11 15:00", "2025-01-11", "2025-01-11T25:00", "x",
        "1700-01-01T00:00Z", "2999-12-31T23:59:59-05:00", "2025-01-11T15:00:00+02:00",
        "2025-01-11t15:00", " 2025-01-11T15:00:00Z ",
    ],
    "status": [
        "", "scheduled", "FINISHED", "live", "Postponed", "cancelled", "abandoned",
        " finished ", "finished\x00", "\ufb01nished",
    ],
}  # fmt: skip


def _edges(column: str) -> list[str]:
    if column.endswith("_goals"):
        return EDGES["goals"]
    if column.startswith("odds_"):
        return EDGES["odds"]
    return EDGES.get(column, TEXT)


def _field(value: str) -> str:
    if any(c in value for c in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _line(row: dict[str, str], columns: list[str]) -> str:
    return ",".join(_field(row.get(c.strip(), "")) for c in columns)


def _outcome(path: Path) -> tuple[str, Any]:
    try:
        return "records", [r.values() for r in matches_csv.read_matches_csv(path)]
    except MatchImportError as exc:
        return "problems", exc.problems


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The outcome with the cheap checks, and with the detailed checks alone."""
    fast = _outcome(path)
    with monkeypatch.context() as patch:
        patch.setattr(matches_csv, "_fast_record", lambda *args: None)
        detailed = _outcome(path)
    return fast, detailed


def test_each_edge_value_reads_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.csv"
    for column in COLUMNS:
        for value in _edges(column):
            rows = [dict(GOOD, match_id="ok"), dict(GOOD, **{column: value})]
            lines = [",".join(COLUMNS), *(_line(row, COLUMNS) for row in rows)]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            fast, detailed = _both_ways(path, monkeypatch)
            assert fast == detailed, (column, value)


def test_random_rows_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(20250111)
    path = tmp_path / "m.csv"
    outcomes = set()
    for _ in range(200):
        columns = COLUMNS if rng.random() < 0.5 else COLUMNS[:-1]
        lines = [",".join(columns)]
        for n in range(rng.randint(1, 15)):
            row = dict(GOOD, match_id=f"m{n % 7 if rng.random() < 0.1 else n}")
            for column in rng.sample(COLUMNS, rng.choice([0, 0, 1, 1, 2, 3])):
                row[column] = rng.choice(_edges(column))
            lines.append(_line(row, columns))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        fast, detailed = _both_ways(path, monkeypatch)
        assert fast == detailed, lines
        outcomes.add(fast[0])
    assert outcomes == {"records", "problems"}


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        (HEADER, ["", "a,E0,,2024-25,2025-01-11T15:00:00Z,A,B,,,,,", "  ,  ,", "", "b"]),
        (HEADER, ['"a\n\n",E0,,2024-25,x,A,B,,,,,', 'b,E0,,2024-25,"2025-01-11\nT1",A,B,,,,,']),
        (HEADER, ["a,E0,,2024-25,2025-01-11T15:00:00Z,A,B,,,,,,z,y", ",,,,,,,,,,,, ,x"]),
        (HEADER + ",status", ["a,E0,,2024-25,2025-01-11T15:00:00Z,A,B,1,1,2,3,4"]),
        (" match_id ," + HEADER + ",extra", ["x,a,E0,,2024-25,2025-01-11T15:00Z,A,B,,,,,,"]),
        (HEADER + ",home_team", ["a,E0,,2024-25,2025-01-11T15:00Z,A,B,,,,,,A", "  ,,,,,,,,,,,,"]),
    ],
)
def test_file_layouts_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str, lines: list[str]
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("\r\n".join([header, *lines]) + "\r\n", encoding="utf-8")
    fast, detailed = _both_ways(path, monkeypatch)
    assert fast == detailed


def test_lines_are_where_rows_start_and_extra_fields_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    lines = [
        HEADER,
        "",
        '"a\nb",E0,,2024-25,2025-01-11,A,B,,,,,',
        "",
        "b,E0,,2024-25,2025-01-11T15:00Z,A,B,,,,,,z,y",
        ",,,,,,,,,,,,x",  # the extra field alone: a blank row
        "b,E0,,2024-25,2025-01-11T15:00Z,A,B,,,,,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MatchImportError) as caught:
        matches_csv.read_matches_csv(path)
    assert caught.value.problems == [
        f"{path}:3: match_id: contains the control character '\\n'",
        f"{path}:3: kickoff_utc: '2025-01-11': needs a date and a time, e.g. 2024-05-19T15:00:00Z",
        f"{path}:6: row: 2 more field(s) than the header",
        f"{path}:8: match_id: duplicate of line 6",
    ]


def test_a_csv_error_after_empty_lines_names_the_line_after_the_first(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    too_long = "x" * 140_000
    lines = [HEADER, "a,E0,,2024-25,2025-01-11T15:00Z,A,B,,,,,", "", "", f"b,{too_long}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(MatchImportError) as caught:
        matches_csv.read_matches_csv(path)
    assert caught.value.problems == [
        f"{path}:4: file: not a readable CSV (field larger than field limit (131072))"
    ]


def test_values_are_the_record_fields_in_order(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"{HEADER}\n" + _line(GOOD, COLUMNS[:-1]) + "\n", encoding="utf-8")
    (record,) = matches_csv.read_matches_csv(path)
    expected = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    assert list(record.values().items()) == list(expected.items())
