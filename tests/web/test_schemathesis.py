"""Property-based run of the OpenAPI schema against the real app, in-process.

Schemathesis generates requests (valid and invalid) for every operation of the published
schema and checks that no answer is a server error and that every answer (status, content
type and body) is one the schema declares. Bounded: a few examples per operation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scoreline.web import ADMIN_TOKEN_ENV, create_app
from tests.report.seed import NOW
from tests.web.conftest import ADMIN_TOKEN, make_seeded

EXAMPLES = 10
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def web_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app over a seeded SQLite store, as a schemathesis schema."""
    seeded = make_seeded(tmp_path_factory.mktemp("schemathesis"))
    previous = os.environ.get(ADMIN_TOKEN_ENV)
    os.environ[ADMIN_TOKEN_ENV] = ADMIN_TOKEN
    app = create_app(seeded.config, db=seeded.db, clock=lambda: NOW)
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        if previous is None:
            os.environ.pop(ADMIN_TOKEN_ENV, None)
        else:
            os.environ[ADMIN_TOKEN_ENV] = previous
        seeded.db.dispose()


def _run(operation: Any, mode: GenerationMode) -> None:
    # Drives hypothesis directly: schemathesis' pytest integration does not support pytest 9.
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=AUTH, checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_never_fails_and_matches_its_schema(web_schema: Any, mode: GenerationMode) -> None:
    operations = [result.ok() for result in web_schema.get_all_operations()]
    assert len(operations) >= 7
    paths = web_schema.raw_schema["paths"]
    for operation in operations:
        parameters = paths[operation.path][operation.method.lower()].get("parameters", [])
        if mode is GenerationMode.NEGATIVE and all(p["in"] != "query" for p in parameters):
            continue  # only query parameters can be made invalid (a path segment is any string)
        _run(operation, mode)
