"""The dashboard: server-rendered pages (Jinja2), no JavaScript framework.

``/`` the leaderboard with its filters, ``/matches/{id}`` one match, ``/admin`` spend
against the budget, coverage, models by state, model events, alerts and data sources beside
fallback statistics, model health (with a re-enable button) and the queue,
``/admin/models/{id}`` a model's last failures with the replies that came back, behind a
signed admin session (``web.auth``): signing in sets it, signing out revokes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from scoreline import __version__
from scoreline.report import (
    SORT_KEYS,
    fallback_stats,
    leaderboard_rows,
    match_detail,
    model_health,
    recent_matches,
)
from scoreline.report.cache import report_cache
from scoreline.report.rank_history import rank_trails
from scoreline.store import UnknownModelError, enable_model
from scoreline.web.admin_api import model_evidence, operations
from scoreline.web.auth import (
    ADMIN_TOKEN_ENV,
    COOKIE_NAME,
    SESSION_TTL_S,
    admin_auth,
    admin_token,
    client_of,
    token_matches,
)
from scoreline.web.charts import rank_sparkline
from scoreline.web.deps import (
    AppState,
    QueueUnavailableError,
    app_state,
    fallback_window,
    filter_window,
    read_queue,
)
from scoreline.web.schemas import with_status

__all__ = ["router", "templates"]

MAX_FORM_BYTES = 4096
SORT_LABELS = {
    "avg": "average points",
    "total": "total points",
    "exact": "exact-score rate",
    "accuracy": "tendency accuracy",
    "rps": "RPS (lower is better)",
    "brier": "Brier score",
    "log_loss": "log loss",
    "skill": "skill vs the market",
}
SORTS = tuple((key, SORT_LABELS.get(key, key)) for key in SORT_KEYS)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _rate_class(value: float | None) -> str:
    """Colour of a fallback rate (percent): amber above 20 %, red above 50 %."""
    if value is None or value <= 20:
        return ""
    return "rate-bad" if value > 50 else "rate-warn"


_env = Environment(
    loader=PackageLoader("scoreline.web", "templates"),
    autoescape=select_autoescape(["html"]),
)
_env.globals.update(
    version=__version__, pct=_pct, rate_class=_rate_class, rank_sparkline=rank_sparkline
)
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _message(request: Request, heading: str, message: str, status_code: int) -> Response:
    context = {"heading": heading, "message": message, "active": ""}
    return _page(request, "message.html", context, status_code)


def _board(
    state: AppState, form: dict[str, Any]
) -> tuple[list[Any], tuple[date, ...], dict[str, list[int | None]]]:
    """The leaderboard rows and the rank sparklines of the form's filters, from the cache.

    Raises:
        ValueError: A field is not valid (the message names it).
        HTTPException: A date filter is not valid.
    """
    min_text = form["min_matches"]
    if min_text and not (min_text.isdigit() and int(min_text) <= 100_000):
        raise ValueError(f"min_matches: {min_text!r} is not a whole number up to 100000")
    since, until = filter_window(form["since"] or None, form["until"] or None)
    window: dict[str, Any] = {
        "competition": form["competition"] or None,
        "season": form["season"] or None,
        "since": since,
        "until": until,
        "include_after_kickoff": form["include_after_kickoff"],
    }
    ranking: dict[str, Any] = {
        **window,
        "sort": form["sort"],
        "min_matches": int(min_text or 0),
        "draw_goal_difference": state.config.scoring.draw_goal_difference,
    }
    with report_cache.pinned(state.db):
        rows = report_cache.get(
            state.db,
            "leaderboard",
            tuple(sorted(ranking.items())),
            lambda: leaderboard_rows(state.db, **ranking),
        )
        days, trails = report_cache.get(
            state.db,
            "rank_trails",
            tuple(sorted(window.items())),
            lambda: rank_trails(state.db, **window),
        )
    return rows, days, trails


@router.get("/")
def leaderboard_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    """The leaderboard, filtered by the GET form's fields."""
    query = request.query_params
    names = ("competition", "season", "since", "until", "min_matches")
    form: dict[str, Any] = {name: query.get(name, "") for name in names}
    form["sort"] = query.get("sort", "avg")
    form["include_after_kickoff"] = query.get("include_after_kickoff", "") in ("true", "on", "1")
    error: str | None = None
    rows: list[Any] = []
    days: tuple[date, ...] = ()
    trails: dict[str, list[int | None]] = {}
    status = 200
    try:
        rows, days, trails = _board(state, form)
    except (HTTPException, ValueError) as exc:
        error, status = str(getattr(exc, "detail", exc)), 422
    context = {
        "active": "leaderboard",
        "form": form,
        "sorts": SORTS,
        "rows": rows,
        "days": [d.isoformat() for d in days],
        "trails": trails,
        "matches": recent_matches(state.db),
        "error": error,
    }
    return _page(request, "leaderboard.html", context, status)


@router.get("/matches/{match_id}")
def match_page(match_id: str, request: Request, state: AppState = Depends(app_state)) -> Response:
    """One match with every model's prediction and points."""
    detail = match_detail(state.db, match_id)
    if detail is None:
        return _message(request, "Match not found", "There is no match with this id.", 404)
    return _page(request, "match.html", {"active": "", "match": detail})


def _admin_gate(request: Request) -> Response | None:
    """A page to show instead of the admin page, or ``None`` when the cookie is valid."""
    token = admin_token()
    if token is None:
        return _disabled(request)
    if not admin_auth(request).sessions.valid(request.cookies.get(COOKIE_NAME), token):
        return _page(request, "admin_login.html", {"active": "admin", "error": None}, 401)
    return None


def _disabled(request: Request) -> Response:
    return _message(
        request, "Admin disabled", f"Set {ADMIN_TOKEN_ENV} to enable the admin pages.", 503
    )


def _queue_counts(state: AppState) -> dict[str, Any]:
    try:
        status = read_queue(state.config)
    except QueueUnavailableError as exc:
        return {"error": str(exc), "backend": None}
    return {
        "backend": status.get("backend"),
        "pending": status.get("pending", 0),
        "scheduled": status.get("scheduled", 0),
        "failed": len(status.get("failed", [])),
        "error": None,
    }


@router.get("/admin")
def admin_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    """Running unattended, fallbacks, model health and the queue, for a signed-in operator."""
    gate = _admin_gate(request)
    if gate is not None:
        return gate
    window = {k: request.query_params.get(k, "") for k in ("since", "until")}
    error, status = None, 200
    try:
        since, until = fallback_window(state, window["since"], window["until"])
    except HTTPException as exc:
        error, status = str(exc.detail), 422
        since, until = fallback_window(state, None, None)
    now = state.clock()
    stats = fallback_stats(state.db, state.config, since=since, until=until, now=now)
    models = [
        with_status(m) for m in model_health(state.db, now=now, cooldown=state.config.cooldown)
    ]
    enabled = request.query_params.get("enabled")
    context = {
        "active": "admin",
        "stats": stats,
        "models": models,
        "queue": _queue_counts(state),
        "window": window,
        "error": error,
        "notice": f"Re-enabled {enabled}." if enabled else None,
        "ops": operations(state),
    }
    return _page(request, "admin.html", context, status)


async def _form(request: Request) -> dict[str, str]:
    """An url-encoded form body (small; no multipart needed for two fields)."""
    body = await request.body()
    fields = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


@router.post("/admin/login")
async def admin_login(request: Request) -> Response:
    """Check the token and start a signed 12-hour session; wrong tokens are throttled."""
    token = admin_token()
    if token is None:
        return _disabled(request)
    throttle, client = admin_auth(request).throttle, client_of(request)
    wait = throttle.retry_after(client)
    if wait is not None:
        text = f"Too many wrong tokens from this address; try again in {wait} s."
        response = _message(request, "Too many attempts", text, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    given = (await _form(request)).get("token", "")
    if not token_matches(given, token):
        throttle.fail(client)
        context = {"active": "admin", "error": "Wrong token."}
        return _page(request, "admin_login.html", context, 401)
    throttle.forget(client)
    response = RedirectResponse("/admin", status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        admin_auth(request).sessions.issue(token),
        max_age=SESSION_TTL_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/admin/logout")
async def admin_logout(request: Request) -> Response:
    """End the session: revoke it on the server and forget the cookie."""
    token = admin_token()
    if token is not None:
        admin_auth(request).sessions.revoke(request.cookies.get(COOKIE_NAME), token)
    response = RedirectResponse("/admin", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


@router.get("/admin/models/{model_id}")
def admin_model_page(
    model_id: str, request: Request, state: AppState = Depends(app_state)
) -> Response:
    """One model: health, output mode, how readable its replies were, its last failures."""
    gate = _admin_gate(request)
    if gate is not None:
        return gate
    evidence = model_evidence(state, model_id)
    if evidence is None:
        return _message(request, "Model not found", "There is no model with this id.", 404)
    return _page(request, "admin_model.html", {"active": "admin", **evidence})


@router.post("/admin/models/{model_id}/enable")
async def admin_enable(
    model_id: str, request: Request, state: AppState = Depends(app_state)
) -> Response:
    """Re-enable an auto-disabled model from the dashboard's button."""
    gate = _admin_gate(request)
    if gate is not None:
        return gate

    try:
        await run_in_threadpool(enable_model, state.db, model_id)
    except UnknownModelError:
        return _message(request, "Model not found", "There is no model with this id.", 404)
    return RedirectResponse(f"/admin?enabled={quote(model_id, safe='')}", status_code=303)
