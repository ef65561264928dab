"""``check_alerts`` against a real store and a real webhook receiver on loopback."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from scoreline.alerts import check_alerts, webhook_body
from scoreline.config import Config
from scoreline.store import Database, recent_alerts
from tests.alerts.conftest import SECRET_PATH, Receiver
from tests.alerts.world import NOW, PROVIDER_KEY

KINDS = {
    "model_disabled",
    "model_recovered",
    "cooldown",
    "coverage",
    "budget",
    "source_down",
    "backlog",
}


def test_every_cause_goes_out_once_in_one_message(
    world: Database, world_config: Config, receiver: Receiver
) -> None:
    sent = check_alerts(world, world_config, NOW, backlog_age_s=400)
    assert {a.kind for a in sent} == KINDS
    causes = {a.cause for a in sent}
    assert {"cooldown:down", "coverage:k1", "budget", "source_down:fdorg", "backlog"} <= causes
    assert "source_down:couk" not in causes
    assert [body.keys() for body in receiver.bodies] == [{"text", "content"}]
    text = receiver.bodies[0]["text"]
    assert receiver.bodies[0]["content"] == text
    assert "Home k1 v Away k1 (k1) kicked off with 2/7 predictions (28.6%" in text
    assert "model broke disabled" in text and "model ok recovered" in text
    assert "data source fdorg failing since" in text and "HTTP 503" in text
    assert "waited 7 min" in text
    assert PROVIDER_KEY not in text and "***" in text  # the event's reason quoted the key


def test_a_second_check_is_silent_and_counts_what_it_held_back(
    world: Database, world_config: Config, receiver: Receiver
) -> None:
    check_alerts(world, world_config, NOW, backlog_age_s=400)
    assert check_alerts(world, world_config, NOW + timedelta(minutes=1), backlog_age_s=460) == []
    assert len(receiver.bodies) == 1
    records = {r.cause: r for r in recent_alerts(world, limit=50)}
    assert (records["budget"].sent, records["budget"].suppressed) == (1, 1)
    assert (records["coverage:k1"].sent, records["coverage:k1"].suppressed) == (1, 0)
    assert PROVIDER_KEY not in str(records)


def test_a_lasting_cause_repeats_after_the_period_an_occurrence_never(
    world: Database, world_config: Config, receiver: Receiver
) -> None:
    check_alerts(world, world_config, NOW, backlog_age_s=400)
    later = NOW + timedelta(seconds=world_config.alerts.repeat_after_s + 1)
    again = check_alerts(world, world_config, later, backlog_age_s=4000)
    # The cooldown is over by then; the budget skips, the source and the backlog last.
    assert {a.cause for a in again} == {"budget", "source_down:fdorg", "backlog"}
    assert len(receiver.bodies) == 2


def test_a_backlog_under_the_limit_is_no_alert(
    world: Database, world_config: Config, receiver: Receiver
) -> None:
    sent = check_alerts(world, world_config, NOW, backlog_age_s=299)
    assert "backlog" not in {a.kind for a in sent}


def test_the_webhook_url_is_never_logged(
    world: Database, world_config: Config, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = check_alerts(world, world_config, NOW)
    assert sent and receiver.paths == [SECRET_PATH]
    assert any(r.name == "httpx" for r in caplog.records)  # httpx did log its request...
    assert SECRET_PATH not in caplog.text  # ...with the URL masked
    alerts = [r for r in caplog.records if r.name == "scoreline.alerts"]
    assert len(alerts) == len(sent)
    assert all(r.levelno == logging.WARNING for r in alerts)


def test_a_failing_webhook_is_one_line_and_never_an_exception(
    world: Database, world_config: Config, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.status = 500
    caplog.set_level(logging.WARNING, logger="scoreline.alerts")
    sent = check_alerts(world, world_config, NOW)
    assert sent
    failures = [r.getMessage() for r in caplog.records if "webhook" in r.getMessage()]
    assert failures == ["alert webhook answered HTTP 500 (message not delivered)"]


def test_an_unreachable_webhook_is_one_line(
    world: Database,
    world_config: Config,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SCORELINE_TEST_WEBHOOK", f"http://127.0.0.1:9{SECRET_PATH}")
    caplog.set_level(logging.DEBUG)
    assert check_alerts(world, world_config, NOW)
    failures = [r.getMessage() for r in caplog.records if "webhook" in r.getMessage()]
    assert failures == ["alert webhook failed: ConnectError (message not delivered)"]
    assert SECRET_PATH not in caplog.text


def test_a_store_that_is_down_is_one_line(
    world_config: Config, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = Database(f"sqlite:///{tmp_path}/no/such/dir/x.db")
    caplog.set_level(logging.WARNING, logger="scoreline.alerts")
    assert check_alerts(missing, world_config, NOW) == []
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("alert check failed (")
    missing.dispose()


def test_the_body_fits_discord() -> None:
    from scoreline.alerts import Alert

    many = [Alert(f"c{i}", "backlog", "x" * 90) for i in range(40)]
    body = webhook_body(many)
    assert len(body["content"]) <= 2000 and body["text"] == body["content"]
    assert body["text"].endswith("(40 alerts)")


def test_a_kickoff_is_judged_once_it_settled(
    world: Database, world_config: Config, receiver: Receiver
) -> None:
    kickoff = NOW - timedelta(hours=1)
    early = check_alerts(world, world_config, kickoff + timedelta(seconds=30))
    assert "coverage:k1" not in {a.cause for a in early}
    settled = check_alerts(world, world_config, kickoff + timedelta(minutes=2))
    assert "coverage:k1" in {a.cause for a in settled}
