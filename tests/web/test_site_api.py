"""The public site's JSON on the hand-built data set (tests/report/seed.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_model_json_record_cost_chain_and_latest(client: TestClient) -> None:
    response = client.get("/api/models/alpha")
    assert response.status_code == 200
    body = response.json()
    assert body["chain"] == [
        {"model_id": "alpha", "provider": "syn", "role": "primary"},
        {"model_id": "alpha-tg", "provider": "tg", "role": "fallback"},
    ]
    totals = body["totals"]
    assert (totals["scored"], totals["points"], totals["avg_points"]) == (3, 19, 6.333)
    assert (totals["predictions"], totals["fallbacks"], totals["fallback_rate_pct"]) == (4, 3, 75.0)
    assert (totals["calls"], totals["priced_calls"]) == (7, 5)
    assert totals["cost_usd"] == pytest.approx(0.396189)
    assert totals["cost_per_prediction_usd"] == pytest.approx(0.099047)
    # m1..m3 kick off on 7, 8 and 9 January 2025: one ISO week.
    assert body["matchdays"] == [
        {
            "matchday": "2025-W02",
            "first_day": "2025-01-07",
            "last_day": "2025-01-09",
            "scored": 3,
            "points": 19,
            "avg_points": 6.333,
            "cumulative_avg": 6.333,
        }
    ]
    [competition] = body["competitions"]
    assert (competition["tendency_pct"], competition["exact_pct"]) == (100.0, 66.7)
    assert [p["match_id"] for p in body["latest"]] == ["m4", "m3", "m2", "m1"]
    assert body["metrics"] == {"rps": None, "brier": None, "calibration": None}


def test_unknown_model_is_404(client: TestClient) -> None:
    response = client.get("/api/models/nobody")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_matches_json_upcoming_consensus_by_default(client: TestClient) -> None:
    body = client.get("/api/matches").json()
    assert (body["view"], body["total"]) == ("upcoming", 1)
    [m4] = body["matches"]
    assert m4["countdown"] == "in 1 d 0 h"
    assert m4["consensus"]["tendencies"]["H"] == {"count": 1, "pct": 100.0}
    assert m4["consensus"]["scores"] == [{"score": "1:0", "count": 1, "pct": 100.0}]
    assert m4["points"] is None


def test_matches_json_finished_points_and_pages(client: TestClient) -> None:
    body = client.get("/api/matches", params={"view": "finished", "limit": 2}).json()
    assert body["total"] == 3
    assert [m["id"] for m in body["matches"]] == ["m3", "m2"]
    m3 = body["matches"][0]
    assert [(p["model_id"], p["points"]) for p in m3["points"]] == [("solo", 8), ("alpha", 4)]
    rest = client.get("/api/matches", params={"view": "finished", "limit": 2, "offset": 2})
    assert [m["id"] for m in rest.json()["matches"]] == ["m1"]
    window = {"view": "finished", "since": "2025-01-08", "until": "2025-01-08"}
    assert [m["id"] for m in client.get("/api/matches", params=window).json()["matches"]] == ["m2"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"view": "live-ish"}, "view"),
        ({"since": "2025-13-01"}, "since"),
        ({"since": "2025-01-09", "until": "2025-01-08"}, "since"),
    ],
)
def test_matches_json_refuses_bad_parameters(client: TestClient, params: dict, named: str) -> None:
    response = client.get("/api/matches", params=params)
    assert response.status_code == 422
    assert named in response.json()["message"]


def test_competition_json_table_fixtures_and_best_models(client: TestClient) -> None:
    body = client.get("/api/competitions/E0").json()
    assert (body["season"], body["seasons"]) == ("2024-25", ["2024-25"])
    assert [(r["team"], r["points"], r["goal_difference"]) for r in body["table"]] == [
        ("Brentford", 3, 2),
        ("Arsenal", 3, 1),
        ("Leeds", 1, 0),
        ("Wolves", 1, 0),
        ("Chelsea", 0, -1),
        ("Fulham", 0, -2),
    ]
    assert [m["id"] for m in body["next"]] == ["m4"]
    assert [m["id"] for m in body["last"]] == ["m3", "m2", "m1"]
    assert [r["model_id"] for r in body["best_models"]][:1] == ["alpha"]
    assert client.get("/api/competitions").json() == [
        {"code": "E0", "name": "English Premier League", "seasons": ["2024-25"], "matches": 4}
    ]


def test_unknown_competition_or_season_is_404(client: TestClient) -> None:
    assert client.get("/api/competitions/XX").status_code == 404
    assert client.get("/api/competitions/E0", params={"season": "1999-00"}).status_code == 404


def test_compare_json_paired_difference_and_who_was_right(client: TestClient) -> None:
    body = client.get("/api/compare", params={"models": "alpha,solo"}).json()
    assert body["common"] == 3
    assert (body["a"]["total_points"], body["b"]["total_points"]) == (19, 11)
    difference = body["difference"]
    assert difference["mean"] == pytest.approx(2.667)
    # Differences 4, 8, -4: every resample's mean lies between -4 and 8.
    assert -4 <= difference["ci_low"] <= difference["mean"] <= difference["ci_high"] <= 8
    assert body["counts"] == {
        "both_right": 2,
        "only_a": 1,
        "only_b": 0,
        "neither": 0,
        "a_more": 2,
        "b_more": 1,
        "equal": 0,
    }
    assert [m["match_id"] for m in body["matches"]] == ["m3", "m2", "m1"]
    assert body["method"] == {"resamples": 2000, "seed": 0, "confidence": 0.95}
    again = client.get("/api/compare", params={"models": "alpha,solo"}).json()
    assert again["difference"] == difference


@pytest.mark.parametrize("models", ["", "alpha", "alpha,alpha", "a,b,c"])
def test_compare_json_needs_two_different_models(client: TestClient, models: str) -> None:
    response = client.get("/api/compare", params={"models": models})
    assert response.status_code == 422
    assert "models" in response.json()["message"]


def test_compare_json_unknown_model_is_404(client: TestClient) -> None:
    assert client.get("/api/compare", params={"models": "alpha,nobody"}).status_code == 404


def test_openapi_documents_the_site_json(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/models/{model_id}",
        "/api/matches",
        "/api/competitions",
        "/api/competitions/{code}",
        "/api/compare",
    ):
        assert "200" in paths[path]["get"]["responses"], path
    schema = paths["/api/models/{model_id}"]["get"]["responses"]["200"]["content"]
    assert schema["application/json"]["schema"]["$ref"].endswith("ModelPageOut")
