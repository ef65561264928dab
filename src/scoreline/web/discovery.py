"""How search engines and link previews find the site: ``robots.txt`` and ``sitemap.xml``.

The sitemap lists the public pages people share: the fixed ones, every model, every
competition season, and the latest matches (at most ``SITEMAP_MATCHES``, newest first, so
the file stays small at a million predictions). The admin area and the JSON are not for
crawlers.
"""

from __future__ import annotations

from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from scoreline.store import MatchFilters, browse_matches, list_competitions, list_models
from scoreline.web.deps import AppState, app_state

__all__ = ["SITEMAP_MATCHES", "router", "sitemap_paths"]

SITEMAP_MATCHES = 2000
FIXED_PAGES = ("/", "/matches", "/competitions", "/compare", "/about")

router = APIRouter(include_in_schema=False)


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> str:
    """Everything public may be crawled; the admin area and the API may not."""
    base = str(request.base_url).rstrip("/")
    return (
        "User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /metrics\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )


def sitemap_paths(state: AppState) -> list[str]:
    """Every public path the sitemap lists, fixed pages first."""
    db = state.db
    models = [f"/models/{quote(m.id, safe='')}" for m in list_models(db, now=state.clock())]
    competitions = [
        f"/competitions/{quote(c.code, safe='')}?season={quote(season, safe='')}"
        for c in list_competitions(db)
        for season in c.seasons
    ]
    finished = browse_matches(db, MatchFilters(upcoming=False), limit=SITEMAP_MATCHES)
    upcoming = browse_matches(db, MatchFilters(upcoming=True), limit=SITEMAP_MATCHES // 10)
    matches = [f"/matches/{quote(m.id, safe='')}" for m in upcoming.matches + finished.matches]
    return [*FIXED_PAGES, *models, *competitions, *matches]


@router.get("/sitemap.xml")
def sitemap(request: Request, state: AppState = Depends(app_state)) -> Response:
    """The public pages as a sitemap (sitemaps.org 0.9)."""
    base = str(request.base_url).rstrip("/")
    urls = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in sitemap_paths(state))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )
    return Response(body, media_type="application/xml")
