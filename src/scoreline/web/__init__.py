"""The web surface: the public and admin JSON API, ``/metrics`` and the dashboard.

``create_app(config)`` builds the FastAPI application; ``scoreline serve`` runs it with
uvicorn. Admin routes need ``Authorization: Bearer $SCORELINE_ADMIN_TOKEN``.
"""

from scoreline.web.app import create_app
from scoreline.web.auth import ADMIN_TOKEN_ENV

__all__ = ["ADMIN_TOKEN_ENV", "create_app"]
