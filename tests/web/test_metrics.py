"""``/metrics``: Prometheus text computed from the seeded attempts and predictions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families


@pytest.fixture
def samples(client: TestClient) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_provider_calls_by_called_model_and_outcome(samples: dict) -> None:
    # alpha-tg served m0 (the day before), m1, m2 and m4.
    ok = {"model": "alpha-tg", "provider": "tg", "fallback": "true", "outcome": "ok"}
    assert value(samples, "scoreline_provider_calls_total", **ok) == 4
    primary = {"model": "alpha", "provider": "syn", "fallback": "false"}
    assert value(samples, "scoreline_provider_calls_total", **primary, outcome="error") == 2
    assert value(samples, "scoreline_provider_calls_total", **primary, outcome="ok") == 1


def test_failures_by_model_and_error_class(samples: dict) -> None:
    name = "scoreline_provider_failures_total"
    assert value(samples, name, model="beta", provider="syn", error_class="timeout") == 1
    assert value(samples, name, model="beta-tg", provider="tg", error_class="unparseable") == 1
    assert value(samples, name, model="alpha", provider="syn", error_class="rate_limited") == 1


def test_fallback_calls_by_original_model(samples: dict) -> None:
    name = "scoreline_fallbacks_total"
    assert value(samples, name, model="beta", fallback_model="beta-tg", outcome="ok") == 2
    assert value(samples, name, model="beta", fallback_model="beta-tg", outcome="error") == 2
    assert value(samples, name, model="delta", fallback_model="delta-tg", outcome="ok") == 1


def test_latency_histogram_buckets(samples: dict) -> None:
    # alpha's primary: 50 ms, 300 ms and a 20 s timeout.
    name = "scoreline_provider_call_latency_seconds"
    labels = {"model": "alpha", "provider": "syn"}
    assert value(samples, f"{name}_bucket", **labels, le="0.1") == 1
    assert value(samples, f"{name}_bucket", **labels, le="0.5") == 2
    assert value(samples, f"{name}_bucket", **labels, le="10.0") == 2
    assert value(samples, f"{name}_bucket", **labels, le="20.0") == 3
    assert value(samples, f"{name}_bucket", **labels, le="+Inf") == 3
    assert value(samples, f"{name}_count", **labels) == 3
    assert value(samples, f"{name}_sum", **labels) == pytest.approx(20.35)


def test_predictions_written_and_model_gauges(samples: dict) -> None:
    name = "scoreline_predictions_total"
    assert value(samples, name, model="alpha", used_fallback="true") == 3
    assert value(samples, name, model="alpha", used_fallback="false") == 1
    assert value(samples, name, model="solo", used_fallback="false") == 3
    assert value(samples, "scoreline_model_in_cooldown", model="alpha") == 1
    assert value(samples, "scoreline_model_in_cooldown", model="beta") == 0
    assert value(samples, "scoreline_model_auto_disabled", model="alpha") == 0
