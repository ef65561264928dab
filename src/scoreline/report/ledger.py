"""The ledger: matches, predictions and results as CSV, with a manifest anyone can check.

``export_ledger`` writes ``matches.csv``, ``predictions.csv`` (creation order), ``results.csv``
and ``manifest.json``: row counts, the scoring rule, the SHA-256 of each file, the bootstrap's
resamples and seed, the leaderboard's figures, and a hash chain over the predictions::

    link_0 = sha256("scoreline-ledger/1")
    link_i = sha256(link_{i-1} + "\\n" + the row's cells joined by "\\x1f")

Each row carries its link (``chain``), the manifest the last one (``head``): editing,
removing, reordering or back-dating a prediction breaks the chain from that row on, and a
published head pins the whole history. ``scoreline verify`` (``report.ledger_check``)
recomputes everything from the files alone.

Cells: empty for None, ``true``/``false``, ISO 8601 times with offset, ``repr`` of floats (which
reads back to the same double), so a figure recomputed from the files is bit-identical.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from scoreline.errors import ScorelineError
from scoreline.scoring.board_metrics import MARKET_MODEL_ID
from scoreline.scoring.points import rule_name
from scoreline.scoring.ranking import LEADERBOARD_RESAMPLES, LEADERBOARD_SEED, leaderboard
from scoreline.store import Database
from scoreline.store.ledger import LedgerMatch, ledger_matches, ledger_predictions

__all__ = [
    "FORMAT",
    "MATCH_COLUMNS",
    "PREDICTION_COLUMNS",
    "RESULT_COLUMNS",
    "LedgerError",
    "cell",
    "chain_link",
    "export_ledger",
    "file_sha256",
]

FORMAT = "scoreline-ledger/1"
"""The ledger's format name, also the chain's first input."""
MATCH_COLUMNS = (
    "id",
    "competition",
    "season",
    "kickoff_at",
    "home_team",
    "away_team",
    "status",
    "odds_home",
    "odds_draw",
    "odds_away",
    "quota_home",
    "quota_draw",
    "quota_away",
)
RESULT_COLUMNS = ("match_id", "status", "home_goals", "away_goals")
PREDICTION_COLUMNS = (
    "id",
    "match_id",
    "model_id",
    "answered_by",
    "used_fallback",
    "status",
    "after_kickoff",
    "created_at",
    "requested_at",
    "kickoff_at",
    "predicted_home",
    "predicted_away",
    "p_home",
    "p_draw",
    "p_away",
    "points",
    "points_tendency",
    "points_goal_diff",
    "points_exact",
    "prompt_version",
    "prompt_sha256",
)
"""The hashed cells of a prediction row; the file adds ``chain``, the row's link."""
DEFAULT_MIN_MATCHES = 30
"""The leaderboard's minimum of scored predictions for a rank, as on the command line."""


class LedgerError(ScorelineError):
    """A ledger folder that cannot be written or read (bad input)."""

    exit_code: ClassVar[int] = 2


def cell(value: Any) -> str:
    """A value as its ledger cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return str(value)


def chain_link(previous: str, cells: Sequence[str]) -> str:
    """The hash chain's next link after ``previous`` for a row of prediction cells."""
    return hashlib.sha256(f"{previous}\n{chr(0x1F).join(cells)}".encode()).hexdigest()


def genesis() -> str:
    """The chain's link before the first prediction."""
    return hashlib.sha256(FORMAT.encode()).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _prediction_rows(db: Database, selection: dict[str, str | None]) -> tuple[list[list[str]], str]:
    link = genesis()
    rows = []
    for prediction in ledger_predictions(db, **selection):
        cells = [cell(v) for v in astuple(prediction)]
        link = chain_link(link, cells)
        rows.append([*cells, link])
    return rows, link


def _result_rows(matches: Sequence[LedgerMatch]) -> list[list[str]]:
    return [
        [m.id, m.status, cell(m.home_goals), cell(m.away_goals)]
        for m in matches
        if m.status == "finished" and m.home_goals is not None and m.away_goals is not None
    ]


def _figures(db: Database, selection: dict[str, str | None], rule: bool) -> list[dict[str, Any]]:
    rows = leaderboard(
        db,
        competition=selection["competition"],
        season=selection["season"],
        min_matches=DEFAULT_MIN_MATCHES,
        draw_goal_difference=rule,
    )
    return [row.as_dict() for row in rows]


def export_ledger(
    db: Database,
    directory: Path,
    *,
    competition: str | None = None,
    season: str | None = None,
    draw_goal_difference: bool = False,
    replay: bool = False,
) -> dict[str, Any]:
    """Write the ledger of the selected matches into ``directory``; return the manifest.

    ``replay`` marks a backtest's database: its predictions were written after the fact (on
    a simulated clock), so ``verify`` checks ``requested_at`` (the simulated moment the
    model was asked) against kick-off instead of ``created_at``; the manifest says so.

    Raises:
        LedgerError: The folder cannot be created or written.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"cannot write the ledger to {directory}: {exc.strerror}") from None
    selection = {"competition": competition, "season": season}
    matches = ledger_matches(db, **selection)
    predictions, head = _prediction_rows(db, selection)
    counts = {
        "matches.csv": _write(
            directory / "matches.csv",
            MATCH_COLUMNS,
            ([cell(getattr(m, c)) for c in MATCH_COLUMNS] for m in matches),
        ),
        "predictions.csv": _write(
            directory / "predictions.csv", (*PREDICTION_COLUMNS, "chain"), predictions
        ),
        "results.csv": _write(directory / "results.csv", RESULT_COLUMNS, _result_rows(matches)),
    }
    manifest = _manifest(directory, counts, head, len(predictions), selection)
    manifest["scoring_rule"] = rule_name(draw_goal_difference)
    manifest["clock"] = "replay" if replay else "live"
    manifest["leaderboard"] = _figures(db, selection, draw_goal_difference)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _manifest(
    directory: Path,
    counts: dict[str, int],
    head: str,
    length: int,
    selection: dict[str, str | None],
) -> dict[str, Any]:
    """The manifest's fixed parts: files with their hashes, the chain, the bootstrap."""
    return {
        "format": FORMAT,
        "exported_at": cell(datetime.now(UTC)),
        "selection": selection,
        "files": {
            name: {"rows": n, "sha256": file_sha256(directory / name)} for name, n in counts.items()
        },
        "chain": {"genesis": genesis(), "head": head, "length": length},
        "bootstrap": {"resamples": LEADERBOARD_RESAMPLES, "seed": LEADERBOARD_SEED},
        "min_matches": DEFAULT_MIN_MATCHES,
        "market_model": MARKET_MODEL_ID,
    }
