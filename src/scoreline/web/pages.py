"""The dashboard: server-rendered pages (Jinja2), no JavaScript framework.

``/`` the leaderboard with its filters, ``/matches/{id}`` one match, ``/admin`` fallback
statistics, model health (with a re-enable button) and the queue, ``/admin/models/{id}`` a
model's last failures with the replies that came back, behind a signed admin session
(``web.auth``): signing in sets it, signing out revokes it.
"""

from __future__ import annotations

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
from scoreline.store import UnknownModelError, enable_model
from scoreline.web.admin_api import model_evidence
from scoreline.web.auth import (
    ADMIN_TOKEN_ENV,
    COOKIE_NAME,
    SESSION_TTL_S,
    admin_auth,
    admin_token,
    client_of,
    token_matches,
)
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
_env.globals.update(version=__version__, pct=_pct, rate_class=_rate_class)
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _message(request: Request, heading: str, message: str, status_code: int) -> Response:
    context = {"heading": heading, "message": message, "active": ""}
    return _page(request, "message.html", context, status_code)


@router.get("/")
def leaderboard_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    """The leaderboard, filtered by the GET form's fields."""
    query = request.query_params
    text = {name: query.get(name, "") for name in ("competition", "season", "since", "until")}
    sort = query.get("sort", "avg")
    include_after_kickoff = query.get("include_after_kickoff", "") in ("true", "on", "1")
    form = {**text, "sort": sort, "include_after_kickoff": include_after_kickoff}
    error, rows, status = None, [], 200
    try:
        since, until = filter_window(text["since"] or None, text["until"] or None)
        rows = leaderboard_rows(
            state.db,
            competition=text["competition"] or None,
            season=text["season"] or None,
            since=since,
            until=until,
            sort=sort,
            include_after_kickoff=include_after_kickoff,
        )
    except (HTTPException, ValueError) as exc:
        error, status = str(getattr(exc, "detail", exc)), 422
    matches = recent_matches(state.db)
    context = {
        "active": "leaderboard",
        "form": form,
        "sorts": SORTS,
        "rows": rows,
        "matches": matches,
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
    """Fallback table, model health and queue counts, for a signed-in operator."""
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
