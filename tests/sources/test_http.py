"""The one source client: retries with back-off, timeouts, connection errors, redaction."""

from __future__ import annotations

import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from scoreline.sources import (
    FootballDataOrg,
    ManualClock,
    RetryPolicy,
    SourceClient,
    SourceError,
    SourceRequestError,
    SourceUnavailableError,
)
from scoreline.standin import Fault, StandIn
from tests.sources.test_football_data_org import MATCHDAY, fd


def test_retry_on_5xx_with_exponential_back_off(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.set_fault("fd", Fault(503, 2))
    source = fd(standin, clock)
    fixtures = source.fixtures("PL", **MATCHDAY)
    assert len(fixtures) == 10
    assert clock.slept == [1.0, 2.0]
    assert standin.gate.requests["fd"] == 3
    stats = source.client.stats
    assert stats.outcomes == {"unavailable": 2, "ok": 1} and stats.requests == 3
    assert stats.last_success_at == clock.now()


def test_every_outcome_reaches_the_observer(standin: StandIn, clock: ManualClock) -> None:
    seen: list[tuple[str, str]] = []
    client = SourceClient(
        source="fd",
        base_url=standin.football_data_org_url,
        headers={"X-Auth-Token": standin.fd_token},
        clock=clock,
        observer=lambda source, outcome: seen.append((source, outcome)),
    )
    source = FootballDataOrg(client)
    source.fixtures("PL", **MATCHDAY)
    source.fixtures("PL", **MATCHDAY)
    standin.gate.bad_key = True
    with pytest.raises(SourceError):
        source.fixtures("PL", **MATCHDAY)
    assert seen == [("fd", "ok"), ("fd", "not_modified"), ("fd", "auth")]


def test_5xx_after_every_attempt_is_unavailable(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.set_fault("fd", Fault(502, 10))
    source = fd(standin, clock, attempts=3)
    with pytest.raises(SourceUnavailableError) as caught:
        source.fixtures("PL", **MATCHDAY)
    assert caught.value.status == 502 and caught.value.error_class == "unavailable"
    assert standin.gate.requests["fd"] == 3 and clock.slept == [1.0, 2.0]
    assert source.client.stats.last_error == str(caught.value)


def test_a_timeout_is_retried_then_unavailable(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.delays["fd"] = 2.0
    source = fd(standin, clock, attempts=2, timeout_s=0.2)
    with pytest.raises(SourceUnavailableError, match=r"no answer within 0\.2 s"):
        source.fixtures("PL", **MATCHDAY)
    assert clock.slept == [1.0]


def test_connection_refused_is_unavailable(clock: ManualClock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = SourceClient(
        source="fd", base_url=f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=2), clock=clock
    )
    with pytest.raises(SourceUnavailableError, match="connection failed"):
        FootballDataOrg(client).fixtures("PL", **MATCHDAY)


SECRET = "fd-token-5c1e0b9a8d7f6e5d4c3b2a19"


def test_key_redacted_from_errors_and_logs(
    standin: StandIn, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An upstream that echoes the request (as a careless proxy does) never leaks the key."""
    standin.gate.fd_token = SECRET
    standin.gate.set_fault("fd", Fault(500, 1, echo=True))
    caplog.set_level(logging.DEBUG)
    source = fd(standin, clock)
    source.fixtures("PL", **MATCHDAY)  # the echoed 500 is retried and logged
    standin.gate.set_fault("fd", Fault(400, 1, echo=True))
    with pytest.raises(SourceRequestError) as caught:
        source.fixtures("PL", **MATCHDAY)
    assert "x-auth-token" in str(caught.value).lower()  # the echo is there ...
    assert SECRET not in str(caught.value)  # ... without the key
    assert "x-auth-token" in caplog.text.lower() and SECRET not in caplog.text
    assert SECRET not in (source.client.stats.last_error or "")
    assert SECRET not in repr(caught.value.__reduce__())


def test_threads_sharing_a_client_keep_its_counts(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.fd_per_minute = 1000
    source = fd(standin, clock, per_minute=1000)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: len(source.fixtures_by_id(["541660"])), range(20)))
    assert results == [1] * 20
    assert source.client.stats.requests == standin.gate.requests["fd"] == 20
