"""A local OpenAI-compatible server with fault injection, for tests and outage rehearsals.

Example:
    with SandboxServer(faults={"m": Fault(FaultMode.STATUS, status=503)}).in_thread() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
"""

from scoreline.sandbox.faults import Fault, FaultMode, load_faults, parse_fault_spec
from scoreline.sandbox.server import SandboxServer, serve_forever

__all__ = [
    "Fault",
    "FaultMode",
    "SandboxServer",
    "load_faults",
    "parse_fault_spec",
    "serve_forever",
]
