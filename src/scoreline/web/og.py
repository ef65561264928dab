"""Open Graph cards: one SVG image per model and per match, at a stable URL.

A shared link shows the model's record or the match's result and the models' verdict
instead of a bare title. Drawn as a 1200 x 630 SVG (the size link previews expect) from the
same report data as the pages, with no font or image fetched from anywhere.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from scoreline.report import match_detail, model_record
from scoreline.web.deps import AppState, app_state

__all__ = ["MEDIA_TYPE", "match_card", "model_card", "router"]

MEDIA_TYPE = "image/svg+xml"
WIDTH, HEIGHT = 1200, 630
TENDENCIES = (("H", "home win"), ("D", "draw"), ("A", "away win"))

router = APIRouter(prefix="/og", include_in_schema=False)


def _text(
    x: int, y: int, size: int, value: object, *, weight: int = 400, fill: str = "#fff"
) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}">'
        f"{escape(str(value))}</text>"
    )


def _card(label: str, lines: list[str]) -> str:
    """The frame every card shares: dark background, the site's name, a short label."""
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(label)}>',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#172033"/>',
            f'<rect x="0" y="{HEIGHT - 12}" width="{WIDTH}" height="12" fill="#2f5bd3"/>',
            '<g font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
            _text(72, 96, 34, "scoreline", weight=700, fill="#9fb4ee"),
            *lines,
            "</g></svg>",
        ]
    )


def _stat(x: int, label: str, value: object) -> list[str]:
    return [_text(x, 470, 30, label, fill="#9fb4ee"), _text(x, 540, 64, value, weight=700)]


def model_card(page: dict[str, Any]) -> str:
    """A model's card: its name, who serves it, and its scored, points and average."""
    totals = page["totals"]
    average = "–" if totals["avg_points"] is None else f"{totals['avg_points']:.2f}"
    label = (
        f"{page['display_name']}: {totals['scored']} scored predictions, "
        f"{totals['points']} points, {average} per match"
    )
    lines = [
        _text(72, 230, 72, page["display_name"], weight=700),
        _text(72, 300, 34, f"{page['model_id']} · {page['provider']}", fill="#c8d2ea"),
        *_stat(72, "scored", totals["scored"]),
        *_stat(420, "points", totals["points"]),
        *_stat(768, "average", average),
    ]
    return _card(label, lines)


def _verdict(predictions: list[dict[str, Any]]) -> str:
    """What the models predicted, as tendency shares."""
    counts = Counter(p["predicted_result"] for p in predictions)
    total = sum(counts.values())
    if not total:
        return "no predictions yet"
    return " · ".join(f"{name} {100 * counts[code] / total:.0f} %" for code, name in TENDENCIES)


def match_card(match: dict[str, Any]) -> str:
    """A match's card: the teams, the result (or the kick-off) and the models' tendencies."""
    teams = f"{match['home_team']} – {match['away_team']}"
    if match["home_goals"] is not None:
        state = f"{match['home_goals']}:{match['away_goals']}"
    else:
        state = f"kick-off {match['kickoff_at'][:16].replace('T', ' ')} UTC"
    competition = f"{match['competition_name'] or match['competition']} {match['season']}"
    verdict = _verdict(match["predictions"])
    count = len(match["predictions"])
    lines = [
        _text(72, 200, 34, competition, fill="#c8d2ea"),
        _text(72, 290, 68, teams, weight=700),
        _text(72, 390, 60, state, weight=700, fill="#ffd166"),
        _text(72, 490, 30, f"{count} model prediction{'' if count == 1 else 's'}", fill="#9fb4ee"),
        _text(72, 545, 38, verdict),
    ]
    return _card(f"{teams}, {competition}: {state}; models: {verdict}", lines)


@router.get("/models/{model_id}.svg")
def model_image(model_id: str, state: AppState = Depends(app_state)) -> Response:
    """The card of a model page."""
    page = model_record(state.db, state.config, model_id, now=state.clock())
    if page is None:
        raise HTTPException(404, detail=f"unknown model {model_id!r}")
    return Response(model_card(page), media_type=MEDIA_TYPE)


@router.get("/matches/{match_id}.svg")
def match_image(match_id: str, state: AppState = Depends(app_state)) -> Response:
    """The card of a match page."""
    match = match_detail(state.db, match_id)
    if match is None:
        raise HTTPException(404, detail=f"unknown match {match_id!r}")
    return Response(match_card(match), media_type=MEDIA_TYPE)
