"""Publishing to a network on another instance: the programme's side of issue 20 §5.

The worker (`tasks.publish_aggregates`, every night) posts each programme's months to
every network it links to (`NetworkLink`): first it asks the network what the token is
for and which periods the network closed (`GET /api/v1/networks/publications`), then it
posts the months not closed, at most `BATCH` a request (`POST`, all or nothing on the
other side). What happened is noted on the link (and shown on the link page); the token
never appears in a log or an error, only in the Authorization header.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import requests
from django.utils.translation import gettext as _

from . import aggregates, services
from .models import NetworkLink

logger = logging.getLogger(__name__)

PATH = "/api/v1/networks/publications"
TIMEOUT_SECONDS = 20
BATCH = 120  # months a request (the network accepts up to schema.MAX_BATCH)


@dataclass(frozen=True)
class Answer:
    ok: bool
    error: str = ""
    network: str = ""
    programme: str = ""
    closed: tuple[tuple[date, date], ...] = ()


def _headers(link: NetworkLink) -> dict[str, str]:
    return {"Authorization": f"Bearer {link.token}", "Accept": "application/json",
            "User-Agent": "Voisins publisher"}


def _reason(response: requests.Response) -> str:
    """The network's refusal in a line: its status and what it said (never our token)."""
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        detail = ""
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg', '')}"
            for item in detail[:5] if isinstance(item, dict))
    return _("The network answered %(status)s: %(detail)s") % {
        "status": response.status_code, "detail": str(detail)[:400] or response.reason}


def _unreachable(error: requests.RequestException) -> str:
    # The exception's text can carry the address, never the headers: keep its kind only.
    return _("The network could not be reached (%(kind)s).") % {
        "kind": type(error).__name__}


def link_check(*, link: NetworkLink) -> Answer:
    """Ask the network what the link's token publishes to (the connection test); noted on
    the link."""
    try:
        response = requests.get(link.url + PATH, headers=_headers(link),
                                timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        answer = Answer(False, _unreachable(error))
    else:
        if response.status_code != 200:
            answer = Answer(False, _reason(response))
        else:
            try:
                body = response.json()
                answer = Answer(True, network=str(body["network"])[:200],
                                programme=str(body["programme"])[:200],
                                closed=tuple((date.fromisoformat(p["period_start"]),
                                              date.fromisoformat(p["period_end"]))
                                             for p in body.get("closed_periods", [])))
            except (ValueError, KeyError, TypeError):
                answer = Answer(False, _("The network's answer could not be read."))
    services.network_link_note(link=link, error=answer.error, network_name=answer.network)
    if not answer.ok:
        logger.warning("network link check failed", extra={"link": link.pk})
    return answer


def link_push(*, link: NetworkLink, until: date) -> int:
    """Post the programme's months (from its first match or sign-up to `until`'s month,
    measured as on `until`) to the network of `link`, but the periods the network closed;
    return how many months it stored (0 when it refused or could not be reached: the
    reason is noted on the link)."""
    answer = link_check(link=link)
    if not answer.ok:
        return 0
    first = aggregates.first_month(programme=link.programme)
    if first is None or first > until:
        services.network_link_note(link=link, count=0)
        return 0
    months = [m for m in aggregates.months_between(first, until)
              if not any(s <= aggregates.month_end(m) and e >= m for s, e in answer.closed)]
    figures = aggregates.programme_months(programme=link.programme, months=months,
                                          measured_on=until)
    stored = 0
    for i in range(0, len(figures), BATCH):
        body = [f.model_dump(mode="json") for f in figures[i:i + BATCH]]
        try:
            response = requests.post(link.url + PATH, json=body, headers=_headers(link),
                                     timeout=TIMEOUT_SECONDS, allow_redirects=False)
        except requests.RequestException as error:
            services.network_link_note(link=link, error=_unreachable(error), count=stored)
            logger.warning("network publication failed", extra={"link": link.pk})
            return stored
        if response.status_code != 200:
            services.network_link_note(link=link, error=_reason(response), count=stored)
            logger.warning("network publication refused",
                           extra={"link": link.pk, "status": response.status_code})
            return stored
        stored += len(body)
    services.network_link_note(link=link, count=stored)
    logger.info("network publication stored", extra={"link": link.pk, "months": stored})
    return stored


def links() -> list[NetworkLink]:
    """Every programme's links to networks elsewhere (for the nightly job)."""
    return list(NetworkLink.objects.select_related("programme").order_by("pk"))


def links_of(*, programme) -> list[NetworkLink]:
    """The programme's links to networks elsewhere, for its link page."""
    return list(NetworkLink.objects.filter(programme=programme).order_by("network_name",
                                                                        "pk"))


def link_of(*, programme, pk: object) -> NetworkLink | None:
    """One link of the programme (None: not one of its links)."""
    try:
        pk = int(str(pk))
    except ValueError:
        return None
    if not 0 < pk < 2**63:
        return None
    return NetworkLink.objects.filter(programme=programme, pk=pk).first()
