"""The leaderboard page's rank sparklines, with their figures for screen readers."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_leaderboard_page_draws_each_models_trail_with_its_figures(
    client: TestClient,
) -> None:
    html = client.get("/").text
    assert html.count('class="spark"') == 4
    assert 'aria-label="Alpha, rank after each of the last matchdays.' in html
    assert "rank after each of the last matchdays" in html


def test_a_model_page_shows_its_rank_history_in_figures(client: TestClient) -> None:
    html = client.get("/models/solo").text
    assert 'id="rank-history"' in html
    assert "Now #3;" in html  # solo: 3 of 4 after the last day (alpha, beta, solo, delta)
    assert html.count(": 3") >= 3  # third after each of the three days, spelled out
