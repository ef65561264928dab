"""The public API on the real app over a seeded SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scoreline.store import Database
from scoreline.web import create_app
from tests.report.seed import NOW, write_config


def test_health_reports_database_and_queue(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["schema_revision"]
    assert body["queue"] == "ok"
    assert body["queue_backend"] == "MemoryHuey"
    assert body["pending_jobs"] == 0


def test_health_is_503_naming_the_missing_schema(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(config, db=db), raise_server_exceptions=False) as client:
        response = client.get("/api/health")
        assert response.status_code == 503
        assert response.json()["database"] == "schema missing"
        assert "scoreline init" in response.json()["reason"]
        leaderboard = client.get("/api/leaderboard")
    db.dispose()
    assert leaderboard.status_code == 503
    assert leaderboard.json()["error"] == "service_unavailable"
    assert "scoreline init" in leaderboard.json()["message"]


def test_an_unreachable_database_is_503_on_every_reading_route(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = "postgresql+psycopg://scoreline:s3cret-pw@127.0.0.1:9/scoreline"
    config = write_config(tmp_path, url)
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        responses = [client.get(path) for path in ("/api/leaderboard", "/api/matches/m1")]
        responses.append(client.get("/metrics"))
    for response in responses:
        assert response.status_code == 503
        assert response.json()["error"] == "service_unavailable"
        assert "s3cret-pw" not in response.text
    assert "OperationalError" in caplog.text and "s3cret-pw" not in caplog.text


def test_health_is_503_when_the_queue_is_unreachable(tmp_path: Path) -> None:
    config = write_config(tmp_path).model_copy(update={"queue_url": "redis://127.0.0.1:1/0"})
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.upgrade()
    with TestClient(create_app(config, db=db, clock=lambda: NOW)) as client:
        response = client.get("/api/health")
    db.dispose()
    assert response.status_code == 503
    assert response.json()["queue"] == "unreachable"
    assert "127.0.0.1:1" not in response.text


def test_leaderboard_ranks_by_average_points(client: TestClient) -> None:
    body = client.get("/api/leaderboard").json()
    rows = body["rows"]
    assert [r["model_id"] for r in rows] == ["alpha", "beta", "solo", "delta"]
    alpha = rows[0]
    assert (alpha["rank"], alpha["scored"], alpha["total_points"]) == (1, 3, 19)
    assert alpha["avg_points"] == pytest.approx(19 / 3, abs=1e-3)
    assert alpha["display_name"] == "Alpha"
    assert alpha["fallback_rate_pct"] == pytest.approx(66.7, abs=0.05)
    assert body["filters"]["sort"] == "avg"


def test_leaderboard_filters_by_total_and_dates(client: TestClient) -> None:
    by_total = client.get("/api/leaderboard", params={"sort": "total"}).json()["rows"]
    assert [r["model_id"] for r in by_total] == ["alpha", "solo", "beta", "delta"]
    # m1 kicked off on 2025-01-07: an `until` date includes its whole day.
    first_day = client.get("/api/leaderboard", params={"until": "2025-01-07"}).json()
    assert {r["model_id"]: r["total_points"] for r in first_day["rows"]} == {
        "alpha": 7,
        "beta": 4,
        "solo": 3,
        "delta": 0,
    }
    assert first_day["filters"]["until"] == "2025-01-07T23:59:59.999999+00:00"
    later = client.get("/api/leaderboard", params={"since": "2025-01-08"}).json()["rows"]
    assert {r["model_id"] for r in later} == {"alpha", "beta", "solo"}
    other_season = client.get("/api/leaderboard", params={"season": "2023-24"}).json()
    assert other_season["rows"] == []


def test_match_shows_every_prediction_with_fallback_and_points(client: TestClient) -> None:
    response = client.get("/api/matches/m1")
    assert response.status_code == 200
    match = response.json()
    assert (match["home_team"], match["home_goals"], match["away_goals"]) == ("Arsenal", 2, 1)
    assert match["quotas"] == {"home": 3, "draw": 4, "away": 5}
    predictions = {p["model_id"]: p for p in match["predictions"]}
    assert set(predictions) == {"alpha", "beta", "delta", "solo"}
    assert predictions["alpha"]["used_fallback"] is True
    assert predictions["alpha"]["answered_by"] == "alpha-tg"
    assert predictions["alpha"]["points"] == 7
    assert predictions["solo"]["used_fallback"] is False
    pending = client.get("/api/matches/m4").json()["predictions"][0]
    assert (pending["status"], pending["points"]) == ("pending", None)


def test_unknown_match_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/matches/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "unknown match 'nope'"}
    assert client.get("/api/no-such-route").json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"since": "2025-13-01"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"sort": "best"}, "sort"),
        ({"include_after_kickoff": "perhaps"}, "include_after_kickoff"),
        ({"since": "2025-02-01", "until": "2025-01-01"}, "since"),
        ({"until": "9999-12-31T23:59:59+14:00"}, "until"),
    ],
)
def test_bad_query_parameter_is_a_json_422(
    client: TestClient, params: dict[str, str], where: str
) -> None:
    response = client.get("/api/leaderboard", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert where in body["message"]
    assert "Traceback" not in response.text


def test_a_window_ending_before_it_starts_is_refused_on_the_page(client: TestClient) -> None:
    response = client.get("/", params={"since": "2025-02-01", "until": "2025-01-01"})
    assert response.status_code == 422
    assert "is after until" in response.text


def test_unexpected_error_is_a_generic_500(app, client: TestClient) -> None:
    def explode() -> None:
        raise RuntimeError("internal detail with a secret: sk-should-not-leak")

    app.add_api_route("/api/explode", explode)
    response = client.get("/api/explode")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_server_error", "message": "internal server error"}
    assert "sk-should-not-leak" not in response.text
