"""``/metrics``: Prometheus families computed from the database at scrape time.

The workers make the provider calls and write one ``prediction_attempts`` row per call; the
web process only reads. So instead of in-process counters, a custom collector turns the
store's aggregates (``scoreline.report.metrics_snapshot``) into metric families on every
scrape. Counters are cumulative because the rows only accumulate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from scoreline.config import Config, CooldownConfig
from scoreline.report import (
    LATENCY_BUCKETS_S,
    MetricsSnapshot,
    budget_view,
    coverage_summary,
    metrics_snapshot,
)
from scoreline.store import Database, source_health, source_request_counts

__all__ = ["StoreCollector", "build_registry"]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _outcome(ok: bool) -> str:
    return "ok" if ok else "error"


class StoreCollector(Collector):
    """Reads the store on every ``collect()``; describes nothing up front (no query at start)."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        cooldown: CooldownConfig | None = None,
        config: Config | None = None,
    ) -> None:
        """Collect from this store; ``clock`` and ``cooldown`` decide the cooldown gauge;
        ``config`` names the models coverage expects and the budget's limits."""
        self.db = db
        self.clock = clock
        self.cooldown = cooldown
        self.config = config

    def describe(self) -> Iterable[Metric]:
        """No up-front description: registering must not touch the database."""
        return []

    def collect(self) -> Iterable[Metric]:
        """Yield every family from one read of the store."""
        now = self.clock()
        snapshot = metrics_snapshot(self.db, now=now, cooldown=self.cooldown)
        yield from _call_families(snapshot)
        yield _latency_family(snapshot)
        yield from _model_families(snapshot)
        yield from _source_families(self.db)
        yield from _coverage_families(self.db, self.config, now)
        if self.config is not None:
            yield from _budget_families(self.db, self.config, now)


def _source_families(db: Database) -> Iterable[Metric]:
    """The data sources: requests by outcome, and when each last answered."""
    requests = CounterMetricFamily(
        "scoreline_source_requests",
        "Requests to the football data sources by how they ended.",
        labels=["source", "outcome"],
    )
    for (source, outcome), count in sorted(source_request_counts(db).items()):
        requests.add_metric([source, outcome], count)
    yield requests
    success = GaugeMetricFamily(
        "scoreline_source_last_success_timestamp",
        "Unix time of each source's last successful answer.",
        labels=["source"],
    )
    for name, state in sorted(source_health(db).items()):
        if state.last_success_at is not None:
            success.add_metric([name], state.last_success_at.timestamp())
    yield success


def _coverage_families(db: Database, config: Config | None, now: datetime) -> Iterable[Metric]:
    """The promise: covered share of expected predictions, and the misses by cause."""
    summary = coverage_summary(db, config, now=now)
    ratio = GaugeMetricFamily(
        "scoreline_coverage_ratio",
        "Share of the models expected at kick-off whose prediction was stored before it.",
        labels=["window"],
    )
    last, week = summary["last_match"], summary["week"]
    if last is not None and last["ratio"] is not None:
        ratio.add_metric(["last_match"], last["ratio"])
    if week["ratio"] is not None:
        ratio.add_metric(["7d"], week["ratio"])
    misses = GaugeMetricFamily(
        "scoreline_coverage_misses",
        "Expected predictions not stored before kick-off, by cause.",
        labels=["window", "cause"],
    )
    for cause, count in week["misses"].items():
        misses.add_metric(["7d", cause], count)
    expected = GaugeMetricFamily(
        "scoreline_coverage_expected",
        "Predictions expected before kick-off (model and match pairs).",
        labels=["window"],
    )
    expected.add_metric(["7d"], week["expected"])
    return [ratio, misses, expected]


def _budget_families(db: Database, config: Config, now: datetime) -> Iterable[Metric]:
    """Spend of the UTC day and month against ``[budget]``."""
    budget = budget_view(db, config, now=now)
    spent = GaugeMetricFamily(
        "scoreline_budget_spent_usd", "Cost of the provider calls so far.", labels=["period"]
    )
    limit = GaugeMetricFamily(
        "scoreline_budget_limit_usd", "The configured budget (absent: no limit).", labels=["period"]
    )
    periods = (("day", "spent_today_usd", "daily_usd"), ("month", "spent_month_usd", "monthly_usd"))
    for period, spent_key, limit_key in periods:
        spent.add_metric([period], budget[spent_key])
        if budget[limit_key] is not None:
            limit.add_metric([period], budget[limit_key])
    is_open = GaugeMetricFamily(
        "scoreline_budget_open", "1 while paid models may be called, 0 once a limit is reached."
    )
    is_open.add_metric([], int(budget["open"]))
    return [spent, limit, is_open]


def _call_families(snapshot: MetricsSnapshot) -> Iterable[Metric]:
    calls = CounterMetricFamily(
        "scoreline_provider_calls",
        "Provider calls by the model actually called.",
        labels=["model", "provider", "fallback", "outcome"],
    )
    for model, provider, is_fallback, ok, count in snapshot.calls:
        calls.add_metric([model, provider, _flag(is_fallback), _outcome(ok)], count)
    failures = CounterMetricFamily(
        "scoreline_provider_failures",
        "Failed provider calls by the model called and error class.",
        labels=["model", "provider", "error_class"],
    )
    for model, provider, error_class, count in snapshot.failures:
        failures.add_metric([model, provider, error_class], count)
    fallbacks = CounterMetricFamily(
        "scoreline_fallbacks",
        "Fallback calls made on behalf of an original model.",
        labels=["model", "fallback_model", "outcome"],
    )
    for model, fallback, ok, count in snapshot.fallbacks:
        fallbacks.add_metric([model, fallback, _outcome(ok)], count)
    return [calls, failures, fallbacks]


def _latency_family(snapshot: MetricsSnapshot) -> Metric:
    histogram = HistogramMetricFamily(
        "scoreline_provider_call_latency_seconds",
        "Provider call latency (buckets counted in SQL).",
        labels=["model", "provider"],
    )
    for row in snapshot.latency:
        buckets = [
            (repr(bound), count)
            for bound, count in zip(LATENCY_BUCKETS_S, row.buckets, strict=True)
        ]
        histogram.add_metric(
            [row.model, row.provider],
            buckets=[*buckets, ("+Inf", row.count)],
            sum_value=row.sum_s,
        )
    return histogram


def _model_families(snapshot: MetricsSnapshot) -> Iterable[Metric]:
    predictions = CounterMetricFamily(
        "scoreline_predictions",
        "Predictions written, by original model and whether the fallback served them.",
        labels=["model", "used_fallback"],
    )
    for model, used_fallback, count in snapshot.predictions:
        predictions.add_metric([model, _flag(used_fallback)], count)
    disabled = GaugeMetricFamily(
        "scoreline_model_auto_disabled", "1 when the model is auto-disabled.", labels=["model"]
    )
    cooling = GaugeMetricFamily(
        "scoreline_model_in_cooldown", "1 while the primary is cooling down.", labels=["model"]
    )
    for model, is_disabled, in_cooldown in snapshot.models:
        disabled.add_metric([model], int(is_disabled))
        cooling.add_metric([model], int(in_cooldown))
    return [predictions, disabled, cooling]


def build_registry(
    db: Database,
    clock: Callable[[], datetime],
    cooldown: CooldownConfig | None = None,
    *,
    config: Config | None = None,
) -> CollectorRegistry:
    """A registry of its own (not the process-wide one) holding the store collector."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(db, clock, cooldown, config))
    return registry
