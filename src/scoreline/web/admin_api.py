"""Admin JSON API, behind the bearer token: fallback statistics, model health, the queue,
and the evidence: a model's last calls with their replies, and how readable replies were."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel

from scoreline.redaction import redact
from scoreline.report import (
    COVERAGE_WINDOW,
    coverage_rows,
    fallback_stats,
    model_health,
    model_health_of,
    operations_overview,
)
from scoreline.store import (
    UnknownModelError,
    enable_model,
    learned_outputs,
    list_attempts,
    parse_stats,
)
from scoreline.web.api import ERROR_RESPONSES, SinceQuery, UntilQuery
from scoreline.web.auth import require_admin
from scoreline.web.deps import (
    AppState,
    QueueUnavailableError,
    app_state,
    fallback_window,
    filter_window,
    read_queue,
)
from scoreline.web.operations_schemas import CoverageMatchOut, OverviewOut
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

__all__ = ["AttemptOut", "ParseStatsOut", "model_evidence", "operations", "router", "scrubbed"]


class AttemptOut(BaseModel):
    """One provider call with what came back (keys masked)."""

    id: int
    created_at: datetime
    match_id: str | None
    model_id: str
    called_model_id: str
    provider: str
    is_fallback: bool
    ok: bool
    error_class: str | None
    http_status: int | None
    latency_ms: float
    parse_verdict: str | None
    parse_reason: str | None
    served_model: str | None
    request_id: str | None
    finish_reason: str | None
    output_mode: str | None
    prompt_version: str | None
    prompt_sha256: str | None
    reply_text: str | None


class ParseStatsOut(BaseModel):
    """How readable one model's replies were."""

    model_id: str
    attempts: int
    replies: int
    parsed: int
    empty: int
    unparseable: dict[str, int]
    share: float


def _attempt_rows(
    state: AppState, model_id: str, *, failed: bool, limit: int
) -> list[dict[str, Any]]:
    """The model's last calls as plain rows, texts redacted again for rows stored earlier."""
    secrets = served_secrets(state.config)
    rows = [
        asdict(a) for a in list_attempts(state.db, model_id=model_id, failed=failed, limit=limit)
    ]
    for row in rows:
        for key in ("reply_text", "parse_reason"):
            if row[key] is not None:
                row[key] = redact(row[key], secrets)
    return rows


def model_evidence(state: AppState, model_id: str, *, limit: int = 20) -> dict[str, Any] | None:
    """A model's health, learned output mode, reply statistics and last failures.

    Returns:
        The data of ``/admin/models/{id}``, or ``None`` when the store has no such model.
    """
    now = state.clock()
    health = model_health_of(state.db, model_id, now=now, cooldown=state.config.cooldown)
    if health is None:
        return None
    stats = {s.model_id: s.as_dict() for s in parse_stats(state.db)}
    learned = learned_outputs(state.db).get(model_id)
    return {
        "model": with_status(health, served_secrets(state.config)),
        "output": asdict(learned) if learned is not None else None,
        "parse": stats.get(model_id),
        "failures": _attempt_rows(state, model_id, failed=True, limit=limit),
    }


def scrubbed(value: Any, secrets: tuple[str, ...]) -> Any:
    """``value`` with every string in it redacted (errors and messages may quote replies)."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {key: scrubbed(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed(item, secrets) for item in value]
    return value


def operations(state: AppState) -> dict[str, Any]:
    """Budget, coverage, models by state, model events, alerts and sources, redacted."""
    data = operations_overview(state.db, state.config, now=state.clock())
    return scrubbed(data, served_secrets(state.config))


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


@router.get(
    "/models/{model_id}/attempts",
    response_model=list[AttemptOut],
    summary="A model's last calls with their replies",
)
def model_attempts(
    model_id: Annotated[str, Path(description="The model id (asked for, or called).")],
    state: AppState = Depends(app_state),
    failed: Annotated[bool, Query(description="Only calls with no accepted answer.")] = True,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many.")] = 20,
) -> list[dict[str, Any]]:
    """The model's calls, newest first, each with its reply text and parse verdict."""
    return _attempt_rows(state, model_id, failed=failed, limit=limit)


@router.get("/parse-stats", response_model=list[ParseStatsOut], summary="Readable replies")
def parse_statistics(
    state: AppState = Depends(app_state), since: SinceQuery = None
) -> list[dict[str, Any]]:
    """Per model: replies parsed, empty, unparseable by verdict, and the unusable share."""
    start, _ = filter_window(since, None)
    return [s.as_dict() for s in parse_stats(state.db, since=start)]


@router.get(
    "/overview",
    response_model=OverviewOut,
    summary="Running unattended: spend, coverage, models by state, events, alerts, sources",
)
def overview(state: AppState = Depends(app_state)) -> dict[str, Any]:
    """Spend today against the budget, coverage (last match, last matchday, 7 days), models
    by state, recent model events and alerts, and the data sources' health."""
    return operations(state)


@router.get(
    "/coverage", response_model=list[CoverageMatchOut], summary="Matches under the coverage line"
)
def coverage(
    state: AppState = Depends(app_state),
    since: SinceQuery = None,
    below: Annotated[
        float | None,
        Query(ge=0, le=1, description="Coverage line (default: [alerts] min_coverage)."),
    ] = None,
) -> list[dict[str, Any]]:
    """Matches that kicked off since ``since`` (default: 7 days ago) with coverage under
    the line, oldest first, each with its misses by cause."""
    now = state.clock()
    start, _ = filter_window(since, None)
    line = state.config.alerts.min_coverage if below is None else below
    rows = coverage_rows(
        state.db, state.config, since=start or now - COVERAGE_WINDOW, now=now, below=line
    )
    return scrubbed(rows, served_secrets(state.config))
