"""Admin JSON API, behind the bearer token: fallback statistics, model health, the queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path

from scoreline.report import fallback_stats, model_health, model_health_of
from scoreline.store import UnknownModelError, enable_model
from scoreline.web.api import ERROR_RESPONSES, SinceQuery, UntilQuery
from scoreline.web.auth import require_admin
from scoreline.web.deps import (
    AppState,
    QueueUnavailableError,
    app_state,
    fallback_window,
    read_queue,
)
from scoreline.web.schemas import (
    EnabledOut,
    ErrorOut,
    FallbackStatsOut,
    ModelHealthOut,
    QueueOut,
    served_secrets,
    with_status,
    without_secrets,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/api/admin",
    dependencies=[Depends(require_admin)],
    responses={
        **ERROR_RESPONSES,
        401: {"model": ErrorOut, "description": "Missing or wrong admin token."},
        429: {
            "model": ErrorOut,
            "description": "Too many wrong tokens from this client lately (see Retry-After).",
        },
        503: {
            "model": ErrorOut,
            "description": "Admin disabled (no token set), or the "
            "database or queue is unavailable.",
        },
    },
)


@router.get("/fallback-stats", response_model=FallbackStatsOut, summary="Fallback rates and cost")
def fallback_statistics(
    state: AppState = Depends(app_state),
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> dict[str, Any]:
    """Per-model fallback rate and cost over ``[since, until]`` (default: today, UTC)."""
    start, end = fallback_window(state, since, until)
    if start > end:
        raise HTTPException(422, detail="query.since: must not be after until")
    return fallback_stats(state.db, state.config, since=start, until=end, now=state.clock())


@router.get("/models", response_model=list[ModelHealthOut], summary="Model health")
def models(state: AppState = Depends(app_state)) -> list[dict[str, Any]]:
    """Every model's health: status, auto-disable state, failures, last error and cooldown."""
    rows = model_health(state.db, now=state.clock(), cooldown=state.config.cooldown)
    secrets = served_secrets(state.config)
    return [with_status(row, secrets) for row in rows]


@router.post(
    "/models/{model_id}/enable",
    response_model=EnabledOut,
    responses={404: {"model": ErrorOut, "description": "No model with this id."}},
    summary="Re-enable an auto-disabled model",
)
def enable(
    model_id: Annotated[str, Path(description="The model id.")],
    state: AppState = Depends(app_state),
) -> dict[str, Any]:
    """Clear the model's auto-disabled flag and its consecutive-failure count."""
    try:
        enable_model(state.db, model_id)
        row = model_health_of(state.db, model_id, now=state.clock(), cooldown=state.config.cooldown)
    except UnknownModelError:
        row = None
    if row is None:
        raise HTTPException(404, detail=f"unknown model {model_id!r}")
    return {"enabled": True, "model": with_status(row, served_secrets(state.config))}


@router.get("/queue", response_model=QueueOut, summary="Pending and failed jobs")
def queue(state: AppState = Depends(app_state)) -> dict[str, Any]:
    """The queue's pending, scheduled and failed jobs."""
    try:
        status = read_queue(state.config)
    except QueueUnavailableError as exc:
        raise HTTPException(503, detail=str(exc)) from None
    secrets = served_secrets(state.config)
    return {
        "backend": str(status.get("backend", "")),
        "pending": int(status.get("pending", 0)),
        "scheduled": int(status.get("scheduled", 0)),
        "failed": [
            without_secrets(dict(job), secrets)
            for job in status.get("failed", [])
            if isinstance(job, dict)
        ],
    }
