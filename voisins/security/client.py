"""The client's address: one answer for the rate limits, the API and the audit log.

Behind a reverse proxy every request comes from the proxy (127.0.0.1); the proxy says who
the client was in `X-Forwarded-For`. Only the entries that trusted proxies appended can be
believed: with `VOISINS_TRUSTED_PROXIES = n`, the n-th address from the right is the one
the outermost trusted proxy saw. With 0 (a laptop, no proxy) the header is ignored, since
any client can write it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request` ("" if none can be told).

    Parameters
    ----------
    request
        The request; `REMOTE_ADDR` and, behind trusted proxies, `X-Forwarded-For` are read.

    Returns
    -------
    str
        A normalised IPv4 or IPv6 address, without port, or "" when the address that
        the proxies report is not an address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.VOISINS_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        # Fewer hops than trusted proxies: a proxy did not add its entry; the leftmost
        # one is still one that a trusted proxy wrote or passed on.
        address = hops[-trusted] if len(hops) >= trusted else hops[0]
    return _clean(address)


def _clean(address: str) -> str:
    address = address.strip()
    if address.startswith("["):  # [IPv6]:port
        address = address[1:].split("]")[0]
    elif address.count(":") == 1:  # IPv4:port
        address = address.split(":")[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
