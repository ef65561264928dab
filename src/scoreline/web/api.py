"""Public JSON API: health, leaderboard, match detail."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import JSONResponse

from scoreline import __version__
from scoreline.report import SORT_KEYS, leaderboard_rows, match_detail
from scoreline.report.cache import report_cache
from scoreline.store import DatabaseError
from scoreline.web.deps import (
    DATE_PATTERN,
    AppState,
    QueueUnavailableError,
    app_state,
    filter_window,
    read_queue,
)
from scoreline.web.schemas import ErrorOut, HealthOut, LeaderboardOut, MatchOut

__all__ = ["ERROR_RESPONSES", "SinceQuery", "SortKey", "UntilQuery", "router"]

SortKey = StrEnum("SortKey", {key: key for key in SORT_KEYS})  # type: ignore[misc]
"""The leaderboard's orderings, as published in the schema."""

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "A query or path parameter is invalid."},
    500: {"model": ErrorOut, "description": "Unexpected error (no detail is disclosed)."},
    503: {"model": ErrorOut, "description": "The database is unreachable or not initialised."},
}

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

SinceQuery = Annotated[
    str | None,
    Query(
        pattern=DATE_PATTERN,
        description="From this date (YYYY-MM-DD) or ISO datetime, UTC, inclusive.",
    ),
]
UntilQuery = Annotated[
    str | None,
    Query(
        pattern=DATE_PATTERN,
        description="Up to this date (the whole day) or ISO datetime, UTC, inclusive.",
    ),
]


def _database_state(state: AppState) -> tuple[str, str | None]:
    if not state.db.ping():
        return "unreachable", None
    try:
        revision = state.db.current_revision()
    except DatabaseError:  # went away between the ping and this query
        return "unreachable", None
    if revision is None:
        return "schema missing", None
    if state.head_revision is not None and revision != state.head_revision:
        return "schema outdated", revision
    return "ok", revision


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database is not usable."}},
    summary="Database and queue reachability",
)
def health(state: AppState = Depends(app_state)) -> JSONResponse:
    """Whether the database answers with the current schema, and whether the queue answers."""
    database, revision = _database_state(state)
    out = HealthOut(
        status="ok",
        database=database,
        schema_revision=revision,
        queue="ok",
        version=__version__,
    )
    try:
        queue = read_queue(state.config)
        out.queue_backend = str(queue.get("backend"))
        out.pending_jobs = int(queue.get("pending", 0))
    except QueueUnavailableError as exc:
        out.queue = exc.state  # type: ignore[assignment]
        out.reason = str(exc)
        out.status = "degraded"
    if database != "ok":
        out.status = "error"
        out.reason = {
            "unreachable": "the database does not answer",
            "schema missing": "the database has no schema: run `scoreline init`",
            "schema outdated": "the database schema is outdated: run `scoreline init`",
        }[database]
    code = 503 if database != "ok" or out.queue == "unreachable" else 200
    return JSONResponse(out.model_dump(), status_code=code)


@router.get("/leaderboard", response_model=LeaderboardOut, summary="Models ranked by points")
def leaderboard(
    state: AppState = Depends(app_state),
    competition: Annotated[str | None, Query(description="Competition code, e.g. E0.")] = None,
    season: Annotated[str | None, Query(description="Season, e.g. 2024-25.")] = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    sort: Annotated[SortKey, Query(description="Rank by (best first).")] = SortKey("avg"),
    include_after_kickoff: Annotated[
        bool, Query(description="Count predictions made after kick-off.")
    ] = False,
    min_matches: Annotated[
        int, Query(ge=0, le=100_000, description="Fewer scored matches: provisional, unranked.")
    ] = 0,
) -> dict[str, Any]:
    """The leaderboard over scored predictions, with the leaderboard's filters."""
    since_at, until_at = filter_window(since, until)
    filters: dict[str, Any] = {
        "competition": competition or None,
        "season": season or None,
        "since": since_at,
        "until": until_at,
        "sort": str(sort),
        "include_after_kickoff": include_after_kickoff,
        "min_matches": min_matches,
    }
    rule = state.config.scoring.draw_goal_difference
    try:
        args: dict[str, Any] = {**filters, "draw_goal_difference": rule}
        rows = report_cache.get(
            state.db,
            "leaderboard",
            tuple(sorted(args.items())),
            lambda: leaderboard_rows(state.db, **args),
        )
    except ValueError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()}
    return {"filters": shown, "rows": rows}


@router.get(
    "/matches/{match_id}",
    response_model=MatchOut,
    responses={404: {"model": ErrorOut, "description": "No match with this id."}},
    summary="A match with every model's prediction",
)
def match(
    match_id: Annotated[str, Path(description="The match id.")],
    state: AppState = Depends(app_state),
) -> dict[str, Any]:
    """The match, its quotas and each model's prediction (who answered, points when scored)."""
    detail = match_detail(state.db, match_id)
    if detail is None:
        raise HTTPException(404, detail=f"unknown match {match_id!r}")
    return detail
