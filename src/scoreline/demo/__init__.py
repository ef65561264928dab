"""``scoreline demo``: the whole pipeline offline on bundled real matches, with faults."""

from scoreline.demo.run import DemoResult, run_demo

__all__ = ["DemoResult", "run_demo"]
