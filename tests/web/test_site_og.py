"""Open Graph cards: an SVG per model and per match, linked from their pages' heads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from scoreline.web.og import match_card, model_card

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("page", "image"),
    [("/models/alpha", "/og/models/alpha.svg"), ("/matches/m1", "/og/matches/m1.svg")],
)
def test_a_page_links_its_card_which_is_served(client: TestClient, page: str, image: str) -> None:
    html = client.get(page).text
    found = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    assert found and found.group(1) == f"http://testserver{image}"
    assert f'<meta name="twitter:image" content="http://testserver{image}">' in html
    response = client.get(image)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["etag"] and "max-age" in response.headers["cache-control"]
    root = ET.fromstring(response.text)
    assert root.get("width") == "1200" and root.get("height") == "630"
    assert root.get("aria-label")  # the figures as text for whoever cannot see it


def test_model_card_shows_its_record(client: TestClient) -> None:
    page = client.get("/api/models/alpha").json()
    texts = _texts(client.get("/og/models/alpha.svg").text)
    assert page["display_name"] in texts
    assert str(page["totals"]["points"]) in texts and str(page["totals"]["scored"]) in texts


def test_match_card_shows_result_and_tendencies(client: TestClient) -> None:
    texts = _texts(client.get("/og/matches/m1.svg").text)
    assert "Arsenal – Chelsea" in texts and "2:1" in texts
    assert any(t.startswith("home win ") and "draw" in t for t in texts)


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert client.get("/og/models/ghost.svg").status_code == 404
    assert client.get("/og/matches/nope.svg").status_code == 404


def test_names_are_escaped() -> None:
    totals = {"scored": 0, "points": 0, "avg_points": None}
    page = {"display_name": 'A <b> & "c"', "model_id": "x", "provider": "p", "totals": totals}
    assert 'A <b> & "c"' in _texts(model_card(page))  # parsed back: escaped, not markup
    match = {
        "home_team": "R&B <FC>",
        "away_team": "Q",
        "home_goals": None,
        "away_goals": None,
        "kickoff_at": "2030-01-01T12:00:00+00:00",
        "competition": "E0",
        "competition_name": None,
        "season": "2029-30",
        "predictions": [],
    }
    texts = _texts(match_card(match))
    assert "R&B <FC> – Q" in texts and "kick-off 2030-01-01 12:00 UTC" in texts
    assert "no predictions yet" in texts
