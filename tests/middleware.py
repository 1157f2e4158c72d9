"""Test-only middleware."""

import threading

_LOCK = threading.Lock()


class OneRequestAtATime:
    """The live server of the browser tests answers each request in its own thread, and
    with SQLite every thread shares the test database's one connection, which is not safe
    to use from two threads at once (a page and its two charts at the same moment: "bad
    parameter or other API misuse"). Requests take turns; static files, served before the
    middleware, do not wait."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with _LOCK:
            return self.get_response(request)
