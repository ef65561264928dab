"""The public site's pages: a model's record, the match browser, competition hubs,
two models compared, and how everything is computed.

Server-rendered and script-free; charts are inline SVG (``web.charts``). The JSON of each
page is in ``web.site_api``, built from the same report data.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from jinja2.filters import do_urlencode

from scoreline import __version__
from scoreline.report import (
    MAX_PAGE_SIZE,
    compare_models,
    competition_page,
    competitions_index,
    model_health,
    model_record,
)
from scoreline.report.cache import report_cache
from scoreline.report.compare import CONFIDENCE, RESAMPLES, SEED
from scoreline.report.evaluation import EvaluationError, model_calibration
from scoreline.report.rank_history import rank_trails
from scoreline.web.charts import (
    bar_chart,
    calibration_chart,
    line_chart,
    rank_sparkline,
    share_bar,
)
from scoreline.web.deps import AppState, app_state
from scoreline.web.site_api import View, browse, default_view, model_pair

__all__ = ["PAGE_SIZE", "router"]

PAGE_SIZE = 20
"""Matches per page of the browser."""
RANK_DAYS = 20
"""Kick-off days of a model page's rank history."""
CALIBRATION_BINS = 10
"""Bins of a model page's reliability diagram (of 0.1 each)."""
TENDENCY_NAMES = {"H": "home win", "D": "draw", "A": "away win"}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return do_urlencode(value)


def _urlencode(value: Any) -> str:
    """Jinja's ``urlencode``, remembered for ids: a page of matches links fifty models
    twenty times over, and quoting was a sixth of its rendering."""
    return _quoted(value) if isinstance(value, str) else do_urlencode(value)


_env = Environment(
    loader=PackageLoader("scoreline.web", "templates"),
    autoescape=select_autoescape(["html"]),
)
_env.filters["urlencode"] = _urlencode
_env.globals.update(
    version=__version__,
    pct=_pct,
    num=_num,
    bar_chart=bar_chart,
    line_chart=line_chart,
    rank_sparkline=rank_sparkline,
    calibration_chart=calibration_chart,
    share_bar=share_bar,
    tendency_names=TENDENCY_NAMES,
)
_templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return _templates.TemplateResponse(request, name, context, status_code=status_code)


def _message(request: Request, heading: str, message: str, status_code: int) -> Response:
    context = {"heading": heading, "message": message, "active": ""}
    return _page(request, "message.html", context, status_code)


@router.get("/models/{model_id}")
def model_view(model_id: str, request: Request, state: AppState = Depends(app_state)) -> Response:
    """A model's record over time and per competition, its cost and latest predictions."""
    with report_cache.pinned(state.db):  # one change mark for the whole page
        page = model_record(state.db, state.config, model_id, now=state.clock())
        if page is None:
            return _message(request, "Model not found", "There is no model with this id.", 404)
        rank_days, trails = report_cache.get(
            state.db,
            "rank_trails",
            (("days", RANK_DAYS),),
            lambda: rank_trails(state.db, days=RANK_DAYS),
        )
        calibration = report_cache.get(
            state.db, "calibration", (model_id,), lambda: _calibration(state, model_id)
        )
    days = page["matchdays"]
    context = {
        "active": "models",
        "model": page,
        "rank_days": [d.isoformat() for d in rank_days],
        "rank_trail": trails.get(model_id, []),
        "calibration": calibration,
        "points_items": [(d["matchday"], d["points"]) for d in days],
        "average_items": [(d["matchday"], d["cumulative_avg"] or 0.0) for d in days],
    }
    return _page(request, "model.html", context)


def _calibration(state: AppState, model_id: str) -> dict[str, Any] | None:
    """The model's reliability bins, or None before it has scored probabilities."""
    try:
        return model_calibration(state.db, model_id, bins=CALIBRATION_BINS)
    except EvaluationError:
        return None


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _view(value: str) -> View | None:
    if value == "upcoming":
        return "upcoming"
    return "finished" if value == "finished" else None


@router.get("/matches")
def matches_view(request: Request, state: AppState = Depends(app_state)) -> Response:
    """Upcoming or finished matches, filtered by competition and date, page by page."""
    query = request.query_params
    form = {name: query.get(name, "") for name in ("competition", "since", "until", "view")}
    error, status, page = None, 200, None
    try:
        number = max(int(query.get("page", "1") or "1"), 1)
        view = _view(form["view"]) or default_view(state, form["competition"] or None)
        page = browse(
            state,
            view=view,
            competition=form["competition"] or None,
            since=form["since"] or None,
            until=form["until"] or None,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    except ValueError:
        error, status, number, view = "query.page: give a whole number", 422, 1, None
    except HTTPException as exc:
        error, status = str(exc.detail), 422
    pages = max(-(-(page or {}).get("total", 0) // PAGE_SIZE), 1)
    filters = {k: form[k] for k in ("competition", "since", "until")}
    context = {
        "active": "matches",
        "form": form,
        "view": view,
        "page": page,
        "number": number,
        "pages": pages,
        "error": error,
        "competitions": competitions_index(state.db),
        "link": lambda **extra: "/matches?" + _query(**(filters | {"view": view} | extra)),
    }
    return _page(request, "matches.html", context, status)


@router.get("/competitions")
def competitions_view(request: Request, state: AppState = Depends(app_state)) -> Response:
    """Every competition the store knows."""
    context = {"active": "competitions", "competitions": competitions_index(state.db)}
    return _page(request, "competitions.html", context)


@router.get("/competitions/{code}")
def competition_view(code: str, request: Request, state: AppState = Depends(app_state)) -> Response:
    """A competition's table, next and last fixtures, and its best models."""
    season = request.query_params.get("season") or None
    page = competition_page(state.db, code, now=state.clock(), season=season)
    if page is None:
        text = "There is no competition (or season) with this code."
        return _message(request, "Competition not found", text, 404)
    return _page(request, "competition.html", {"active": "competitions", "competition": page})


def _compare_ids(request: Request) -> tuple[str, str] | None:
    """The two models from ``models=a,b`` or the form's ``a`` and ``b``; None if none given."""
    query = request.query_params
    if query.get("models"):
        return model_pair(query.get("models"))
    if query.get("a") and query.get("b"):
        return model_pair(f"{query.get('a')},{query.get('b')}")
    return None


@router.get("/compare")
def compare_view(request: Request, state: AppState = Depends(app_state)) -> Response:
    """Two models head to head; with no models given, the form to choose them."""
    choices = model_health(state.db, now=state.clock())
    context: dict[str, Any] = {"active": "compare", "choices": choices, "result": None}
    context["error"], status = None, 200
    try:
        pair = _compare_ids(request)
    except HTTPException as exc:
        pair, context["error"], status = None, str(exc.detail), 422
    if pair is not None:
        context["result"] = compare_models(state.db, *pair, now=state.clock())
        if context["result"] is None:
            context["error"], status = "One of these models is unknown.", 404
    context["pair"] = pair or (request.query_params.get("a", ""), "")
    return _page(request, "compare.html", context, status)


@router.get("/about")
def about_view(request: Request, state: AppState = Depends(app_state)) -> Response:
    """Scoring rules, what a prompt may contain, fallback disclosure, intervals, licences."""
    scoring = getattr(state.config, "scoring", None)
    context = {
        "active": "about",
        "draw_goal_difference": bool(getattr(scoring, "draw_goal_difference", False)),
        "cooldown": state.config.cooldown,
        "method": {"resamples": RESAMPLES, "seed": SEED, "confidence": CONFIDENCE},
        "page_limit": MAX_PAGE_SIZE,
    }
    return _page(request, "about.html", context)
