"""The application factory: the admin API, the public API, ``/metrics`` and the dashboard.

Errors are JSON ``{"error": code, "message": text}``: 404 for an unknown id or path, 422
for a bad parameter, 503 when the database is unreachable or has no schema, and a generic
500 for anything unexpected, which is logged but never described to the client (no stack
trace, no secret). Guards (``web.guards``) wrap the whole app: 413 for a body over 64 KiB,
403 for a cross-site POST, and security headers on every response.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from scoreline import __version__
from scoreline.config import Config
from scoreline.store import Database, DatabaseError
from scoreline.web import admin_api, api, discovery, og, pages, site, site_api
from scoreline.web.auth import AdminAuth
from scoreline.web.caching import ConditionalGet
from scoreline.web.deps import AppState
from scoreline.web.guards import BodyLimit, CrossSiteGuard, SecurityHeaders, security_headers
from scoreline.web.metrics import build_registry
from scoreline.web.schemas import ErrorItem, ErrorOut

__all__ = ["create_app"]

log = logging.getLogger("scoreline.web")

DATABASE_UNAVAILABLE = (
    "the database is unreachable or has no schema (run `scoreline init`); see the server log"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    if status == 422:
        code = "invalid_request"
    body = ErrorOut(error=code, message=message, **extra).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = _error(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    items = [
        ErrorItem(
            loc=[str(p) if not isinstance(p, int) else p for p in err.get("loc", ())],
            msg=str(err.get("msg", "")),
            type=str(err.get("type", "")),
        )
        for err in exc.errors()
    ]
    message = "; ".join(".".join(map(str, i.loc)) + ": " + i.msg for i in items)
    return _error(422, message or "invalid request", detail=items)


async def _database_error(request: Request, exc: Exception) -> Response:
    # The store's message is one line naming the driver's error, never a password.
    log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    return _error(503, DATABASE_UNAVAILABLE)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    response = _error(500, "internal server error")
    # Sent by Starlette's outermost middleware, past the guards: add their headers here.
    response.headers.update(dict(security_headers(request.url.path)))
    return response


def _metrics_route(app: FastAPI) -> None:
    @app.get(
        "/metrics",
        tags=["metrics"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={
            200: {
                "description": "Prometheus text exposition format.",
                "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
            },
            503: {"model": ErrorOut, "description": "The database is unavailable."},
        },
    )
    def metrics() -> Response:
        """Provider calls, failures, fallbacks, latency and predictions, read from the store."""
        return Response(generate_latest(app.state.metrics), media_type=CONTENT_TYPE_LATEST)


def create_app(
    config: Config,
    *,
    db: Database | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """Build the web application.

    It never migrates the database (``scoreline init`` does); with no schema,
    ``/api/health`` answers 503 saying so.

    Args:
        config: The configuration (database, queue, models and prices).
        db: The store to use; by default ``Database(config.database_url)``, disposed when
            the application shuts down.
        clock: Returns the current aware UTC time; the system clock by default (tests pass
            a fixed one).

    Returns:
        The FastAPI application, ready for uvicorn or a test client.
    """
    owned = db is None
    database = db if db is not None else Database(config.database_url)
    clock = clock or _utc_now

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            database.dispose()

    app = FastAPI(
        title="scoreline",
        version=__version__,
        description="Leaderboard, matches and the operator's admin API.",
        lifespan=lifespan,
    )
    app.state.scoreline = AppState(config, database, clock, database.head_revision())
    app.state.metrics = build_registry(database, clock, config.cooldown, config=config)
    app.state.admin_auth = AdminAuth()
    _install(app)
    return app


def _install(app: FastAPI) -> None:
    """The guards, the error handlers and the routes."""
    app.add_middleware(ConditionalGet)  # innermost: tags the answer the routes gave
    app.add_middleware(BodyLimit)
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so refusals get headers too
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DatabaseError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.include_router(api.router, tags=["public"])
    app.include_router(site_api.router, tags=["public"])
    app.include_router(admin_api.router, tags=["admin"])
    _metrics_route(app)
    app.include_router(pages.router)
    app.include_router(site.router)
    app.include_router(discovery.router)
    app.include_router(og.router)
