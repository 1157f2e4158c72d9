"""The operator's endpoints: /healthz, and the pages shown when the database is away."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import server_error as django_server_error

from .health import web_checks

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)


@csrf_exempt
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when this web process can reach its database and cache, else 503.

    No login, no data: only which part is failing, for a load balancer or a monitor.
    """
    failing = [check.name for check in web_checks() if not check.ok]
    return JsonResponse({"status": "unavailable" if failing else "ok", "failing": failing},
                        status=503 if failing else 200)


def unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The page of a moment without database: a 503 that asks to retry, never a traceback.

    Rendered without context processors, which would query the database again.
    """
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """Django's 500 handler, except when the error is the database being unreachable."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE) or (isinstance(exc, DatabaseError)
                                        and isinstance(exc.__cause__, UNAVAILABLE)):
        return unavailable(request)
    return django_server_error(request, template_name)
