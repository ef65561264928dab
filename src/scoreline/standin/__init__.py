"""A local stand-in for the football data services, for tests, the demo and rehearsals.

It answers in the real wire shapes of football-data.org v4 and API-Football v3, and serves
football-data.co.uk-style season files, all built from the bundled real seasons, with a
simulated clock (matches go scheduled -> live -> finished as it advances; one match is
postponed, one result corrected), rate limits, the daily quota and a bad-key mode. Like
``scoreline.sandbox`` it shares no code with what it stands in for: it never imports
``scoreline.sources``.

Example:
    with StandIn().in_thread() as standin:
        standin.advance(3600)
        print(standin.football_data_org_url)
"""

from scoreline.standin.app import build_app, describe
from scoreline.standin.limits import Fault, Gate
from scoreline.standin.server import DEFAULT_START, StandIn, serve_forever
from scoreline.standin.world import World

__all__ = [
    "DEFAULT_START",
    "Fault",
    "Gate",
    "StandIn",
    "World",
    "build_app",
    "describe",
    "serve_forever",
]
