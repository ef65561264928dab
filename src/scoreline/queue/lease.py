"""A job's lease held for as long as the job runs: short, and renewed by a heartbeat.

The lease lives ``ttl_s`` seconds; a background thread renews it every third of that while
the job is alive. A worker killed mid-job stops renewing, so its lease expires within
``ttl_s`` and the next reconcile sweep's job takes the match over long before kick-off.
Leases run on the wall clock even when a job replays another moment: they are about live
processes, not about the match.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from scoreline.store import Database, release_lease, renew_lease, take_lease

__all__ = ["hold_lease", "new_owner"]

log = logging.getLogger("scoreline.queue")


def new_owner() -> str:
    """A lease owner naming this host and process, unique per job run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _heartbeat(db: Database, name: str, owner: str, ttl_s: float, stop: threading.Event) -> None:
    """Renew the lease every ``ttl_s / 3`` until ``stop`` is set."""
    while not stop.wait(ttl_s / 3):
        try:
            held = renew_lease(db, name, owner=owner, now=datetime.now(UTC), ttl_s=ttl_s)
        except Exception as exc:  # the store may blink: the next beat tries again
            log.warning("lease %s: renewal failed (%s); retrying", name, type(exc).__name__)
            continue
        if not held:  # taken over after a stall; the job's writes are idempotent anyway
            log.warning("lease %s: lost to another worker", name)
            return


@contextmanager
def hold_lease(db: Database, name: str, *, ttl_s: float) -> Iterator[bool]:
    """Take the lease ``name`` and keep it renewed until the block ends.

    Yields:
        Whether the lease was taken; ``False`` when another live worker holds it.
    """
    owner = new_owner()
    if not take_lease(db, name, owner=owner, now=datetime.now(UTC), ttl_s=ttl_s):
        yield False
        return
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(db, name, owner, ttl_s, stop), name=f"lease-{name}", daemon=True
    )
    beat.start()
    try:
        yield True
    finally:
        stop.set()
        beat.join()
        release_lease(db, name, owner=owner)
