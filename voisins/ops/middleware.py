"""Request log lines without personal data, and a clean 503 while the database is away."""

import logging
import time

from django.db import InterfaceError, OperationalError

from .views import unavailable

logger = logging.getLogger("voisins.request")


class RequestLogMiddleware:
    """One structured line per request: method, route template, status, duration.

    The route is the URL pattern (``staff/<slug:slug>/families/<int:pk>/``), never the path
    itself, the query string or the body: those can hold names, tokens and addresses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        logger.info("request", extra={
            "method": request.method,
            "route": ("/" + match.route) if match is not None else "-",
            "view": match.view_name if match is not None else "-",
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        })
        return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 (retry soon), not 500.

    Errors raised outside views (a middleware loading the session) reach the 500 handler,
    which does the same (``voisins.ops.views.server_error``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("database unavailable", extra={"error": type(exception).__name__})
            return unavailable(request)
        return None
