"""``/admin/models/{id}`` and its JSON: a model's last failures with the replies that came back."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from scoreline.store import NewAttempt, insert_attempts, record_output
from tests.report.seed import NOW
from tests.web.conftest import ADMIN_TOKEN, PROVIDER_KEY, Seeded

REPLY = "I think Arsenal win; my key is " + PROVIDER_KEY


def _seed_failures(seeded: Seeded) -> None:
    """Two rejected replies and an HTTP error of ``solo``; the old one predates redaction."""
    base = {
        "match_id": "m1",
        "model_id": "solo",
        "called_model_id": "solo",
        "provider": "tg",
        "is_fallback": False,
        "latency_ms": 12.0,
        "prompt_tokens": 10,
        "completion_tokens": 5,
    }
    insert_attempts(
        seeded.db,
        [
            NewAttempt(
                **base,
                ok=False,
                error_class="unparseable",
                http_status=200,
                created_at=NOW - timedelta(minutes=5),
                reply_text=REPLY,
                parse_verdict="no score found",
                parse_reason="no JSON score found in the reply",
                output_mode="text",
                served_model="solo-wire",
            ),
            NewAttempt(
                **base,
                ok=False,
                error_class="client_error",
                http_status=400,
                created_at=NOW - timedelta(minutes=4),
                reply_text='{"error": {"message": "response_format json_schema unsupported"}}',
                output_mode="json_schema",
            ),
            NewAttempt(
                **base,
                ok=True,
                error_class=None,
                http_status=None,
                created_at=NOW - timedelta(minutes=3),
                reply_text='{"home_score": 1, "away_score": 0}',
                parse_verdict="ok",
                output_mode="json_object",
            ),
        ],
    )
    record_output(seeded.db, "solo", "json_object", note="json_schema refused (HTTP 400)", at=NOW)


class _Rows(HTMLParser):
    """The ``data-attempt`` rows of the failures table."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr" and values.get("data-attempt"):
            self.attempts.append(values["data-attempt"] or "")


def _login(client: TestClient) -> None:
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert response.status_code == 303


def test_the_model_page_shows_its_failures_with_their_replies(
    client: TestClient, seeded: Seeded
) -> None:
    _seed_failures(seeded)
    assert client.get("/admin/models/solo").status_code == 401
    _login(client)
    page = client.get("/admin/models/solo")
    assert page.status_code == 200
    rows = _Rows()
    rows.feed(page.text)
    assert len(rows.attempts) == 2  # failures only, newest first
    assert "I think Arsenal win; my key is ***" in page.text
    assert PROVIDER_KEY not in page.text
    assert "no JSON score found in the reply" in page.text
    assert "response_format json_schema unsupported" in page.text
    assert "json_schema refused (HTTP 400)" in page.text
    assert client.get("/admin/models/nobody").status_code == 404


def test_the_admin_api_lists_a_models_calls_and_parse_stats(
    admin: TestClient, client: TestClient, seeded: Seeded
) -> None:
    _seed_failures(seeded)
    assert client.get("/api/admin/models/solo/attempts").status_code == 401
    failed = admin.get("/api/admin/models/solo/attempts").json()
    assert [a["http_status"] for a in failed] == [400, 200]
    assert failed[1]["reply_text"] == "I think Arsenal win; my key is ***"
    every = admin.get("/api/admin/models/solo/attempts", params={"failed": False}).json()
    assert len(every) == 4  # the seed made one more call, before replies were kept
    assert [a["parse_verdict"] for a in every] == [None, "ok", None, "no score found"]
    assert admin.get("/api/admin/models/solo/attempts", params={"limit": 0}).status_code == 422
    stats = {s["model_id"]: s for s in admin.get("/api/admin/parse-stats").json()}
    assert stats["solo"]["replies"] == 2 and stats["solo"]["parsed"] == 1
    assert stats["solo"]["unparseable"] == {"no score found": 1}
    assert stats["solo"]["share"] == 0.5
