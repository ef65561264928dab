"""Fixtures: a stand-in in a thread per test, and adapters built against it.

The adapters' client and the stand-in's minute windows share one ``ManualClock``: a client
that waits out a 429 or a minute's pacing moves that clock, the stand-in sees the minute
pass, and no test waits for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scoreline.sources import Adapter, ManualClock, SourceConfig, build_source
from scoreline.standin import Gate, StandIn


@pytest.fixture
def clock() -> ManualClock:
    """The clients' clock; the stand-in's rate windows run on it too."""
    return ManualClock()


@pytest.fixture
def gate(clock: ManualClock) -> Gate:
    """The stand-in's keys and limits (free tiers), timed by ``clock``."""
    return Gate(timer=clock.monotonic)


@pytest.fixture
def standin(gate: Gate) -> Iterator[StandIn]:
    """A stand-in on a free loopback port, its simulated clock at 2025-12-06 09:00 UTC."""
    with StandIn(gate=gate).in_thread() as server:
        yield server


def make_source(
    standin: StandIn, kind: str, clock: ManualClock, *, key: str | None = None, **options: Any
) -> Adapter:
    """An adapter of ``kind`` pointed at the stand-in, with the stand-in's key by default."""
    urls = {
        "football-data.org": standin.football_data_org_url,
        "api-football": standin.api_football_url,
        "football-data.co.uk": standin.football_data_co_uk_url,
    }
    keys = {"football-data.org": standin.fd_token, "api-football": standin.af_key}
    env_name = "SOURCE_KEY" if kind in keys else None
    config = SourceConfig(kind=kind, base_url=urls[kind], api_key_env=env_name, **options)  # type: ignore[arg-type]
    env = {"SOURCE_KEY": key if key is not None else keys.get(kind, "")}
    return build_source(kind.split(".")[0], config, env=env, clock=clock)
