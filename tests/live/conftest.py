"""Fixtures: a stand-in per test, a migrated store and ``LiveSources`` pointed at both.

The adapters' clients and the stand-in's minute windows share one ``ManualClock``, so
pacing and 429 waits move that clock instead of sleeping. The simulated match clock is the
stand-in's own (``standin.advance``): the sync runs at ``standin.world.now``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scoreline.config import Config
from scoreline.live import LiveSources
from scoreline.sources import ManualClock, SourceConfig, build_source
from scoreline.standin import Gate, StandIn
from scoreline.store import Database

MakeLive = Callable[..., LiveSources]


@pytest.fixture
def clock() -> ManualClock:
    """The clients' clock; the stand-in's rate windows run on it too."""
    return ManualClock()


@pytest.fixture
def standin(clock: ManualClock) -> Iterator[StandIn]:
    """A stand-in on a free loopback port, its simulated clock at 2025-12-06 09:00 UTC."""
    with StandIn(gate=Gate(timer=clock.monotonic)).in_thread() as server:
        yield server


def source_tables(standin: StandIn, **only: dict[str, Any]) -> dict[str, SourceConfig]:
    """``[sources.fd]`` (priority 1) and ``[sources.af]`` (priority 2) at the stand-in."""
    tables = {
        "fd": SourceConfig(
            kind="football-data.org",
            base_url=standin.football_data_org_url,
            api_key_env="FD_TOKEN",
            competitions=("PL",),
            priority=1,
        ),
        "af": SourceConfig(
            kind="api-football",
            base_url=standin.api_football_url,
            api_key_env="AF_KEY",
            competitions=("PL",),
            priority=2,
        ),
    }
    return {name: tables[name].model_copy(update=extra) for name, extra in only.items()} or tables


@pytest.fixture
def make_live(sqlite_db: Database, standin: StandIn, clock: ManualClock) -> Iterator[MakeLive]:
    """Build ``LiveSources`` over the stand-in: ``make_live(af_key="wrong", only=...)``."""
    built: list[LiveSources] = []

    def make(
        *, db: Database | None = None, af_key: str | None = None, sources: dict | None = None
    ) -> LiveSources:
        tables = sources or source_tables(standin)
        env = {"FD_TOKEN": standin.fd_token, "AF_KEY": af_key or standin.af_key}
        adapters = {
            name: build_source(name, table, env=env, clock=clock) for name, table in tables.items()
        }
        live = LiveSources(db or sqlite_db, Config(sources=tables), adapters=adapters)
        built.append(live)
        return live

    yield make
    for live in built:
        live.close()
