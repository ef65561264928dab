"""Which Huey to build for a ``queue_url``: a SQLite file, Redis, or memory for tests."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from scoreline.config import ConfigError

__all__ = ["build_huey", "describe_queue_url"]


def build_huey(queue_url: str, *, name: str = "scoreline") -> Huey:
    """A Huey for the URL.

    ``sqlite:///path`` (a file, no server), ``redis://host:port/db`` (across machines; the
    ``name`` prefixes every key, so several deployments can share one Redis), or
    ``memory://`` (one process, for tests). Task results are not stored: the jobs write
    what they learn to the database and nobody reads a result, so they would only pile up.

    Raises:
        ConfigError: The scheme is not one of those.
    """
    scheme = urlparse(queue_url).scheme
    if scheme == "sqlite":
        path = queue_url.removeprefix("sqlite:///")
        if not path or path == queue_url:
            raise ConfigError(f"queue_url: expected sqlite:///PATH, got {queue_url!r}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=path, utc=True, results=False)
    if scheme in ("redis", "rediss"):
        return RedisHuey(name=name, url=queue_url, utc=True, results=False)
    if scheme == "memory":
        return MemoryHuey(name=name, utc=True, results=False)
    raise ConfigError(
        f"queue_url: unsupported scheme {scheme!r} in {describe_queue_url(queue_url)!r}; "
        "use sqlite:///PATH, redis://HOST:PORT/DB or memory://"
    )


def describe_queue_url(queue_url: str) -> str:
    """The URL with any password masked, for messages and the health route."""
    parsed = urlparse(queue_url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return queue_url
