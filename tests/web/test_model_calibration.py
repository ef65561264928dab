"""A model page's reliability diagram, once the model has scored probabilities."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from scoreline.store.tables import Prediction
from scoreline.web.charts import calibration_chart
from tests.web.conftest import Seeded


def test_no_diagram_before_probabilities(client: TestClient) -> None:
    assert 'id="calibration"' not in client.get("/models/alpha").text


def test_the_diagram_appears_with_its_figures_once_probabilities_exist(
    client: TestClient, seeded: Seeded
) -> None:
    with seeded.db.session() as session:
        session.execute(
            update(Prediction)
            .where(Prediction.model_id == "alpha")
            .values(p_home=0.55, p_draw=0.25, p_away=0.20)
        )
    html = client.get("/models/alpha").text
    assert 'id="calibration"' in html
    assert "Expected calibration error" in html
    # m1 was a home win, m2 a draw, m3 an away win: home forecasts of 0.55 came true 1 in 3.
    assert "home: 0.55 → 0.33" in html


def test_the_chart_skips_empty_bins_and_says_so_for_an_outcome_without_forecasts() -> None:
    outcomes = [
        {"outcome": "home", "bins": [{"count": 4, "mean_forecast": 0.4, "observed": 0.5}]},
        {"outcome": "draw", "bins": [{"count": 0, "mean_forecast": None, "observed": None}]},
    ]
    svg = str(calibration_chart("M", outcomes))
    assert svg.count("<circle") == 1 and "draw: no forecasts" in svg
