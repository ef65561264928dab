"""An auto-disabled model reads as disabled in ``/admin`` and ``/api/admin/models``."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import update

from scoreline.store import Model
from tests.web.conftest import ADMIN_TOKEN, Seeded

HEALTH_KEYS = {
    "model_id",
    "display_name",
    "provider",
    "fallback_id",
    "active",
    "auto_disabled",
    "consecutive_failures",
    "last_error",
    "cooldown_until",
    "in_cooldown",
    "last_success_at",
    "last_failure_at",
}


def _set(seeded: Seeded, model_id: str, **values: object) -> None:
    with seeded.db.session() as session:
        session.execute(update(Model).where(Model.id == model_id).values(**values))


def test_the_api_says_which_models_are_disabled(admin: TestClient, seeded: Seeded) -> None:
    """``active`` (the configuration's flag) stayed true: an auto-disabled model read active."""
    _set(seeded, "beta", auto_disabled=True)
    _set(seeded, "gamma", active=False)
    rows = {r["model_id"]: r for r in admin.get("/api/admin/models").json()}
    assert set(rows["beta"]) >= HEALTH_KEYS  # every existing key is kept
    assert (rows["beta"]["active"], rows["beta"]["auto_disabled"]) == (True, True)
    assert (rows["beta"]["status"], rows["beta"]["disabled"]) == ("auto_disabled", True)
    assert (rows["gamma"]["status"], rows["gamma"]["disabled"]) == ("inactive", True)
    assert (rows["alpha"]["status"], rows["alpha"]["disabled"]) == ("active", False)
    enabled = admin.post("/api/admin/models/beta/enable").json()
    assert (enabled["model"]["status"], enabled["model"]["disabled"]) == ("active", False)
    schema = admin.get("/openapi.json").json()["components"]["schemas"]["ModelHealthOut"]
    assert {"status", "disabled"} <= set(schema["required"])


def test_the_admin_page_shows_the_status(client: TestClient, seeded: Seeded) -> None:
    _set(seeded, "beta", auto_disabled=True)
    _set(seeded, "gamma", active=False)
    client.post("/admin/login", data={"token": ADMIN_TOKEN})
    html = client.get("/admin").text
    section = html.split('id="models"', 1)[1].split("</table>", 1)[0]

    def status_of(model_id: str) -> list[str]:
        row = re.search(rf'<tr data-model="{model_id}">(.*?)</tr>', section, re.S)
        assert row, model_id
        return re.findall(r'data-status="(\w+)"', row.group(1))

    assert status_of("beta") == ["auto_disabled"]
    assert status_of("gamma") == ["inactive"]
    assert status_of("alpha") == ["active"]
