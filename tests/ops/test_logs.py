"""Log lines name the route, the status and the duration, never personal data."""

import json
import logging

import pytest

from voisins.ops.logging import DropRequestDetails, Formatter

from ..conftest import PASSWORD


@pytest.mark.django_db
def test_a_request_is_logged_by_its_route_not_its_path(client, alice, family, caplog):
    client.login(email="alice@example.org", password=PASSWORD)
    with caplog.at_level(logging.INFO, logger="voisins.request"):
        response = client.get(f"/staff/north/families/{family.pk}/?q=Amina+Haddad",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    [record] = [r for r in caplog.records if r.name == "voisins.request"]
    line = Formatter().format(record)
    entry = json.loads(line)
    assert entry["route"] == "/staff/<slug:slug>/families/<int:pk>/"
    assert entry["status"] == 200 and entry["method"] == "GET"
    assert entry["duration_ms"] > 0
    for secret in ("Amina", "Haddad", "?q", str(family.pk) + "/"):
        assert secret not in line


def test_an_exception_is_logged_without_its_message():
    address = "amina" + "@example.org"  # the source line (shown) must not hold it either
    try:
        raise ValueError(f"Key (email)=({address}) already exists")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "import failed", (), exc_info=__import__(
                "sys").exc_info())
    line = Formatter().format(record)
    assert "ValueError" in line and "test_an_exception_is_logged" in line
    assert "amina@example.org" not in line


def test_djangos_request_logger_loses_the_path():
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s",
        ("/f/secret-family-token/",), None)
    DropRequestDetails().filter(record)
    assert record.getMessage() == "Not Found"
