"""Log lines as JSON, without personal data.

Exceptions are logged with their frames and class, not their message: a database error's
message quotes the values of the row ("Key (email)=(...) already exists"). Django's own
request logger names the path, which can hold a family's link token: only its status text
is kept (the route is in Voisins' own request line).
"""

import logging
import traceback

from pythonjsonlogger.json import JsonFormatter


def traceback_without_message(exc_type: type[BaseException], tb) -> str:
    """A traceback's frames and the exception's class, without its message (which can
    quote a row's values). Used for log lines and for the failed tasks kept in the queue."""
    frames = "".join(traceback.format_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{exc_type.__qualname__}"


class Formatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level",
                                            "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatException(self, ei) -> str:  # logging's name
        exc_type, _exc, tb = ei
        return traceback_without_message(exc_type, tb)


class PlainFormatter(logging.Formatter):
    """The same care for a human-readable console (LOG_FORMAT=plain)."""

    formatException = Formatter.formatException


class DropRequestDetails(logging.Filter):
    """Django's request and server loggers: keep the status text, drop path and request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.server":
            record.msg, record.args = "request served (see voisins.request)", ()
        elif record.name == "django.request" or record.name.startswith("django.security"):
            text = str(record.msg)
            record.msg = text.split(":", 1)[0] if ":" in text else text
            record.args = ()
            record.__dict__.pop("request", None)
        return True
