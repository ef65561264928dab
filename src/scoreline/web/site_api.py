"""The public site's JSON: a model's page, the match browser, competition hubs, compare.

Each answer is the same plain data the HTML page renders (``scoreline.report``), so the
page and its JSON never disagree. Bad parameters are a 422 naming the parameter; an unknown
model or competition is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from scoreline.report import (
    MAX_PAGE_SIZE,
    compare_models,
    competition_page,
    competitions_index,
    matches_page,
    model_record,
)
from scoreline.store import MatchFilters
from scoreline.web.api import ERROR_RESPONSES, SinceQuery, UntilQuery
from scoreline.web.deps import AppState, app_state, filter_window
from scoreline.web.schemas import ErrorOut
from scoreline.web.site_schemas import (
    CompareOut,
    CompetitionOut,
    CompetitionSummaryOut,
    MatchesOut,
    ModelPageOut,
)

__all__ = ["View", "browse", "default_view", "model_pair", "router"]

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Unknown id or code."}
}
View = Literal["upcoming", "finished"]
"""Which matches the browser lists."""


def default_view(state: AppState, competition: str | None) -> View:
    """Upcoming matches when there are any (under the competition filter), else finished."""
    filters = MatchFilters(upcoming=True, competition=competition)
    page = matches_page(state.db, filters, now=state.clock(), limit=1)
    return "upcoming" if page["total"] else "finished"


def browse(
    state: AppState,
    *,
    view: View,
    competition: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """One page of the match browser; a 422 for a bad window, limit or offset."""
    since_at, until_at = filter_window(since, until)
    filters = MatchFilters(view == "upcoming", competition or None, since_at, until_at)
    try:
        page = matches_page(state.db, filters, now=state.clock(), limit=limit, offset=offset)
    except ValueError as exc:
        raise HTTPException(422, detail=f"query.limit: {exc}") from None
    return {"view": view, **page}


def model_pair(models: str | None) -> tuple[str, str]:
    """``a,b`` as two distinct model ids; a 422 naming the parameter otherwise."""
    ids = [part.strip() for part in (models or "").split(",") if part.strip()]
    if len(ids) != 2 or ids[0] == ids[1]:
        raise HTTPException(422, detail="query.models: give two different model ids, as a,b")
    return ids[0], ids[1]


@router.get(
    "/models/{model_id}",
    response_model=ModelPageOut,
    responses=_NOT_FOUND,
    summary="A model's record, reliability, cost and latest predictions",
)
def model(
    model_id: Annotated[str, Path(description="The model id.")],
    state: AppState = Depends(app_state),
) -> dict[str, Any]:
    """Points per matchday with the running average, per competition, fallback rate and
    cost per prediction, the provider/fallback chain and the latest predictions."""
    page = model_record(state.db, state.config, model_id, now=state.clock())
    if page is None:
        raise HTTPException(404, detail=f"unknown model {model_id!r}")
    return page


@router.get("/matches", response_model=MatchesOut, summary="Browse upcoming or finished matches")
def matches(
    state: AppState = Depends(app_state),
    view: Annotated[
        View | None, Query(description="upcoming (default when there are any) or finished.")
    ] = None,
    competition: Annotated[str | None, Query(description="Competition code, e.g. E0.")] = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Matches to skip.")] = 0,
) -> dict[str, Any]:
    """Upcoming matches with the models' consensus, or finished ones with points per model."""
    chosen = view or default_view(state, competition or None)
    return browse(
        state,
        view=chosen,
        competition=competition,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/competitions", response_model=list[CompetitionSummaryOut], summary="Known competitions"
)
def competitions(state: AppState = Depends(app_state)) -> list[dict[str, Any]]:
    """Every competition the store has matches of, with its seasons."""
    return competitions_index(state.db)


@router.get(
    "/competitions/{code}",
    response_model=CompetitionOut,
    responses=_NOT_FOUND,
    summary="A competition's table, fixtures and best models",
)
def competition(
    code: Annotated[str, Path(description="Competition code, e.g. E0.")],
    state: AppState = Depends(app_state),
    season: Annotated[str | None, Query(description="Season; the latest by default.")] = None,
) -> dict[str, Any]:
    """The table from stored results, the next and last fixtures, the best models."""
    page = competition_page(state.db, code, now=state.clock(), season=season or None)
    if page is None:
        raise HTTPException(404, detail=f"unknown competition or season {code!r}")
    return page


@router.get(
    "/compare",
    response_model=CompareOut,
    responses=_NOT_FOUND,
    summary="Two models head to head",
)
def compare(
    state: AppState = Depends(app_state),
    models: Annotated[str | None, Query(description="Two model ids, as a,b.")] = None,
) -> dict[str, Any]:
    """Points difference on the common matches with a paired bootstrap interval."""
    a, b = model_pair(models)
    result = compare_models(state.db, a, b, now=state.clock())
    if result is None:
        raise HTTPException(404, detail=f"unknown model in {models!r}")
    return result
