"""The long-lived heap is frozen, and the collector is on again afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    """Run ``code`` in a fresh interpreter: freezing is for the whole process."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_what_a_block_loads_is_frozen_and_the_collector_runs_again() -> None:
    out = _run(
        """
        import gc
        from scoreline.heap import long_lived
        before = gc.get_freeze_count()
        with long_lived():
            inside = gc.isenabled()
            kept = [[i] for i in range(10_000)]
        print(inside, gc.isenabled(), gc.get_freeze_count() - before >= 10_000)
        """
    )
    assert out == "False True True"


def test_a_disabled_collector_stays_disabled() -> None:
    out = _run(
        """
        import gc
        from scoreline.heap import long_lived
        gc.disable()
        with long_lived():
            pass
        print(gc.isenabled())
        """
    )
    assert out == "False"


def test_the_first_job_freezes_the_heap_once() -> None:
    out = _run(
        """
        import gc
        from scoreline.heap import freeze_after_first_job
        freeze_after_first_job()
        first = gc.get_freeze_count()
        later = [[i] for i in range(10_000)]
        freeze_after_first_job()
        print(first > 0, gc.get_freeze_count() == first)
        """
    )
    assert out == "True True"
