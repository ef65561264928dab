"""What crawlers and link previews read: robots.txt, sitemap.xml, cards and JSON-LD."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from fastapi.testclient import TestClient

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_keeps_crawlers_out_of_admin_and_api_and_names_the_sitemap(
    client: TestClient,
) -> None:
    text = client.get("/robots.txt").text
    assert "Disallow: /admin" in text and "Disallow: /api/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_every_model_competition_and_match_page(client: TestClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    urls = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert "http://testserver/about" in urls
    assert "http://testserver/models/alpha" in urls
    assert "http://testserver/matches/m1" in urls
    assert any(u.startswith("http://testserver/competitions/E0?season=") for u in urls)
    for url in urls:  # every listed page answers
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_pages_carry_a_canonical_url_and_a_card(client: TestClient) -> None:
    html = client.get("/models/alpha").text
    assert '<link rel="canonical" href="http://testserver/models/alpha">' in html
    title = re.search(r'<meta property="og:title" content="([^"]+)">', html)
    assert title and title.group(1) in html.split("<title>")[1]
    assert re.search(r'<meta name="twitter:card" content="summary">', html)


def test_a_match_page_describes_its_event_in_json_ld(client: TestClient) -> None:
    html = client.get("/matches/m1").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    event = json.loads(block.group(1))
    assert event["@type"] == "SportsEvent"
    assert event["homeTeam"]["name"] in html and event["awayTeam"]["name"] in html
    assert event["startDate"].startswith("20")
