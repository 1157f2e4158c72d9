"""One bearer check with a failure limit (voisins.apibase.LimitedBearer), for the users'
API tokens and the networks' publication tokens: past MAX_FAILURES_PER_MINUTE failed tries
from one address in a minute, even a good token is refused."""

from django.core.cache import cache
from django.test import RequestFactory

from voisins.apibase import MAX_FAILURES_PER_MINUTE, LimitedBearer


class GoodOnly(LimitedBearer):
    failures_key = "test-bearer-failures"

    def find(self, request, token):
        return "the holder" if token == "good" else None


def test_a_good_token_passes_until_too_many_failures_from_the_address_then_nothing_does():
    cache.delete_many(["test-bearer-failures:10.0.0.7", "test-bearer-failures:10.0.0.8"])
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    bearer = GoodOnly()
    assert bearer.authenticate(request, "good") == "the holder"
    for _ in range(MAX_FAILURES_PER_MINUTE):
        assert bearer.authenticate(request, "bad") is None
    assert bearer.authenticate(request, "good") is None
    other = RequestFactory().get("/", REMOTE_ADDR="10.0.0.8")
    assert bearer.authenticate(other, "good") == "the holder"
