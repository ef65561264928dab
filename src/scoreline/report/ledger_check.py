"""``verify``: recompute a ledger from its files alone and say what differs.

Checks, in order: each file's SHA-256 and row count against the manifest; the hash chain,
row by row (the first broken row is named) and its head; that every prediction counted
(not flagged as made after kick-off) was created before its match's kick-off, and that the
kick-off it carries is the match's; the quotas of every finished match from its
predictions' tendencies; the points of every scored prediction under the manifest's
scoring rule; and every leaderboard figure (points, intervals, RPS, Brier, log loss, skill,
rank intervals) with the recorded resamples and seed, through the same code the
leaderboard runs (``scoring.ranking.rank_models``).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scoreline.report.leaderboard import LEADERBOARD_COLUMNS
from scoreline.report.ledger import (
    MATCH_COLUMNS,
    PREDICTION_COLUMNS,
    RESULT_COLUMNS,
    LedgerError,
    chain_link,
    file_sha256,
    genesis,
)
from scoreline.scoring.board_metrics import BoardOptions
from scoreline.scoring.points import rule_flag, score_prediction
from scoreline.scoring.quotas import compute_quotas, tendency_of
from scoreline.scoring.ranking import rank_models
from scoreline.store.outcomes import MatchOutcome
from scoreline.store.scores import ModelTotals

__all__ = ["FIGURES", "Verification", "verify_ledger"]

FIGURES = tuple(c for c in LEADERBOARD_COLUMNS if c not in ("model_id", "display_name"))
"""The leaderboard figures recomputed and compared."""
_MAX_LISTED = 20
"""Differences listed per check (the count says how many there were)."""


@dataclass
class Verification:
    """What ``verify`` found: one entry per check, with its differences."""

    checks: dict[str, list[str]] = field(default_factory=dict)

    def add(self, check: str, problems: list[str]) -> None:
        """Record a check and what differed (nothing: it agrees)."""
        self.checks[check] = problems

    @property
    def ok(self) -> bool:
        """Whether everything agrees."""
        return not any(self.checks.values())

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "ok": self.ok,
            "checks": [
                {
                    "check": name,
                    "ok": not found,
                    "differences": len(found),
                    "shown": found[:_MAX_LISTED],
                }
                for name, found in self.checks.items()
            ],
        }


def _read(path: Path, header: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise LedgerError(f"{path} is missing")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != tuple(header):
            raise LedgerError(f"{path.name}: unexpected columns {reader.fieldnames}")
        return list(reader)


def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise LedgerError(f"{directory} holds no manifest.json (not a ledger folder)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or "files" not in manifest or "chain" not in manifest:
        raise LedgerError(f"{path}: not a ledger manifest")
    return manifest


def _check_files(directory: Path, manifest: dict[str, Any], rows: dict[str, int]) -> list[str]:
    problems = []
    for name, recorded in manifest["files"].items():
        if file_sha256(directory / name) != recorded.get("sha256"):
            problems.append(f"{name}: SHA-256 differs from the manifest")
        if rows.get(name) != recorded.get("rows"):
            problems.append(f"{name}: {rows.get(name)} rows, manifest says {recorded.get('rows')}")
    return problems


def _check_chain(predictions: list[dict[str, str]], manifest: dict[str, Any]) -> list[str]:
    link = genesis()
    problems: list[str] = []
    for number, row in enumerate(predictions, start=1):
        link = chain_link(link, [row[c] for c in PREDICTION_COLUMNS])
        if link != row["chain"] and not problems:
            problems.append(f"predictions.csv row {number} (id {row['id']}): the chain breaks here")
    chain = manifest["chain"]
    if chain.get("genesis") != genesis():
        problems.append("manifest: unknown chain genesis")
    if link != chain.get("head") or len(predictions) != chain.get("length"):
        problems.append("the chain's head or length differs from the manifest")
    return problems


def _time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise LedgerError(f"not an ISO 8601 time: {text!r}") from None


def _check_times(
    predictions: list[dict[str, str]], kickoffs: dict[str, str], moment: str
) -> list[str]:
    """Creation order, kick-offs as in matches.csv, and ``moment`` before kick-off."""
    problems = []
    previous = None
    for row in predictions:
        created = _time(row["created_at"])
        if previous is not None and created < previous:
            problems.append(f"prediction {row['id']}: out of creation order")
        previous = created
        if kickoffs.get(row["match_id"]) != row["kickoff_at"]:
            problems.append(f"prediction {row['id']}: kick-off differs from matches.csv")
        if row["after_kickoff"] != "true" and _time(row[moment]) >= _time(row["kickoff_at"]):
            problems.append(f"prediction {row['id']}: {moment} at or after kick-off")
    return problems


def _int(text: str) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        raise LedgerError(f"not an integer: {text!r}") from None


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        raise LedgerError(f"not a number: {text!r}") from None


def _quotas_of(predictions: list[dict[str, str]]) -> Any:
    live = [p for p in predictions if p["status"] != "void"]
    before = [p for p in live if p["after_kickoff"] != "true"]
    return compute_quotas(
        tendency_of(int(p["predicted_home"]), int(p["predicted_away"])) for p in (before or live)
    )


def _check_points(
    predictions: list[dict[str, str]],
    matches: dict[str, dict[str, str]],
    results: dict[str, tuple[int, int]],
    draw_goal_difference: bool,
) -> list[str]:
    by_match: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in predictions:
        by_match[row["match_id"]].append(row)
    problems = []
    for match_id, rows in sorted(by_match.items()):
        if match_id not in results or not any(r["status"] == "scored" for r in rows):
            continue
        quotas = _quotas_of(rows)
        recorded = tuple(_int(matches[match_id][f"quota_{k}"]) for k in ("home", "draw", "away"))
        if recorded != (quotas.home, quotas.draw, quotas.away):
            problems.append(f"match {match_id}: quotas {recorded} recompute as {quotas}")
        home, away = results[match_id]
        for row in (r for r in rows if r["status"] == "scored"):
            found = score_prediction(
                int(row["predicted_home"]),
                int(row["predicted_away"]),
                home,
                away,
                quotas,
                draw_goal_difference=draw_goal_difference,
            )
            stored = tuple(
                _int(row[c])
                for c in ("points", "points_tendency", "points_goal_diff", "points_exact")
            )
            if stored != (found.total, found.tendency, found.goal_diff, found.exact):
                problems.append(
                    f"prediction {row['id']} ({row['model_id']}, {match_id}): points {stored[0]} "
                    f"recompute as {found.total}"
                )
    return problems


def _totals(
    predictions: list[dict[str, str]], results: dict[str, tuple[int, int]]
) -> list[ModelTotals]:
    counted: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in predictions:
        if (
            row["status"] == "scored"
            and row["after_kickoff"] != "true"
            and row["match_id"] in results
        ):
            counted[row["model_id"]].append(row)
    totals = []
    for model_id, rows in sorted(counted.items()):
        points = [_int(r["points"]) or 0 for r in rows]
        probs = {k: [_float(r[k]) for r in rows] for k in ("p_home", "p_draw", "p_away")}
        totals.append(
            ModelTotals(
                model_id=model_id,
                display_name=model_id,
                scored=len(rows),
                total_points=sum(points),
                tendency_hits=sum((_int(r["points_tendency"]) or 0) > 0 for r in rows),
                goal_diff_hits=sum((_int(r["points_goal_diff"]) or 0) > 0 for r in rows),
                exact_hits=sum((_int(r["points_exact"]) or 0) > 0 for r in rows),
                fallback_count=sum(r["used_fallback"] == "true" for r in rows),
                match_ids=",".join(r["match_id"] for r in rows),
                points=points,
                probabilistic=sum(p is not None for p in probs["p_home"]),
                p_home=_present(probs["p_home"]),
                p_draw=_present(probs["p_draw"]),
                p_away=_present(probs["p_away"]),
            )
        )
    return totals


def _present(values: list[float | None]) -> list[float]:
    """Probabilities with -1 where a prediction has none (as the store sends them)."""
    return [-1.0 if p is None else p for p in values]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def _check_figures(recomputed: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> list[str]:
    mine = {row["model_id"]: row for row in recomputed}
    theirs = {row.get("model_id"): row for row in recorded}
    problems = [
        f"model {m}: in one leaderboard only" for m in sorted(set(mine) ^ set(theirs), key=str)
    ]
    for model_id in sorted(set(mine) & set(theirs)):
        for name in FIGURES:
            if not _same(mine[model_id].get(name), theirs[model_id].get(name)):
                problems.append(
                    f"{model_id} {name}: manifest {theirs[model_id].get(name)!r}, "
                    f"recomputed {mine[model_id].get(name)!r}"
                )
    return problems


def _options(manifest: dict[str, Any]) -> tuple[bool, BoardOptions]:
    """The scoring rule and the leaderboard's options as the manifest recorded them."""
    try:
        boot = manifest["bootstrap"]
        return rule_flag(str(manifest.get("scoring_rule"))), BoardOptions(
            min_matches=int(manifest["min_matches"]),
            market_id=str(manifest["market_model"]),
            n_resamples=int(boot["resamples"]),
            seed=int(boot["seed"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LedgerError(f"manifest.json: {exc}") from None


def _outcomes(
    matches: dict[str, dict[str, str]], results: dict[str, tuple[int, int]]
) -> list[MatchOutcome]:
    return [
        MatchOutcome(
            mid, h, a, *(_float(matches[mid][f"odds_{k}"]) for k in ("home", "draw", "away"))
        )
        for mid, (h, a) in sorted(results.items())
        if mid in matches
    ]


def verify_ledger(directory: Path) -> Verification:
    """Recompute the ledger in ``directory`` from its files and compare (module docstring).

    Raises:
        LedgerError: Not a readable ledger (no manifest, a missing file, bad columns or cells).
    """
    manifest = _manifest(directory)
    matches = _read(directory / "matches.csv", MATCH_COLUMNS)
    predictions = _read(directory / "predictions.csv", (*PREDICTION_COLUMNS, "chain"))
    result_rows = _read(directory / "results.csv", RESULT_COLUMNS)
    rule, options = _options(manifest)
    by_id = {m["id"]: m for m in matches}
    results = {
        r["match_id"]: (_int(r["home_goals"]) or 0, _int(r["away_goals"]) or 0) for r in result_rows
    }
    found = Verification()
    counts = {
        "matches.csv": len(matches),
        "predictions.csv": len(predictions),
        "results.csv": len(result_rows),
    }
    found.add("files", _check_files(directory, manifest, counts))
    found.add("chain", _check_chain(predictions, manifest))
    moment = "requested_at" if manifest.get("clock") == "replay" else "created_at"
    kickoffs = {k: m["kickoff_at"] for k, m in by_id.items()}
    found.add(f"{moment} before kick-off", _check_times(predictions, kickoffs, moment))
    found.add("quotas and points", _check_points(predictions, by_id, results, rule))
    rows = rank_models(
        _totals(predictions, results),
        _outcomes(by_id, results),
        options=options,
        draw_goal_difference=rule,
    )
    found.add(
        "leaderboard", _check_figures([r.as_dict() for r in rows], manifest.get("leaderboard", []))
    )
    return found
