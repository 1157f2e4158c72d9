"""Writes of the staff pages that span apps: a household registered with its members
and the consents given at intake, all or nothing. (Consent later on: voisins.gdpr.)"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import family_create, household_set_status, volunteer_create
from voisins.privacy.services import consent_give
from voisins.programmes.models import Programme

from .selectors import volunteer_move_refusal


@transaction.atomic
def household_register(
    *,
    programme: Programme,
    kind: str,
    fields: dict[str, Any],
    members: Iterable[dict[str, Any]] = (),
    consents: Iterable[str] = (),
    given_by_name: str = "",
    interpreter: str = "",
    by: User | None = None,
) -> FamilyHousehold | VolunteerHousehold:
    """Create a family (``kind="families"``) or a volunteer household with its members,
    and record the consents it gave at intake (who spoke for it, with which interpreter).

    Raises
    ------
    ValidationError
        Naming the field at fault; nothing is written.
    """
    create = family_create if kind == "families" else volunteer_create
    fields = dict(fields)
    household = create(programme=programme, postcode=fields.pop("postcode"),
                       members=members, by=by, **fields)
    for purpose in consents:
        consent_give(household=household, purpose=purpose, recorded_by=by,
                     given_by_name=given_by_name, interpreter=interpreter)
    return household


@transaction.atomic
def household_move(*, household: FamilyHousehold | VolunteerHousehold, status: str,
                   by: User | None = None, note: str = "") -> FamilyHousehold | VolunteerHousehold:
    """A coordinator moves a household along its pipeline from its page.

    Raises
    ------
    ValidationError
        On ``status``: a move the pipeline does not allow, or a volunteer household
        moved towards matching without its screening or required training
        (:func:`volunteer_move_refusal`).
    """
    if isinstance(household, VolunteerHousehold):
        reason = volunteer_move_refusal(household, status)
        if reason:
            raise ValidationError({"status": reason})
    return household_set_status(household=household, status=status, by=by, note=note)


# --- Printed letters --------------------------------------------------------------------------

def _letter_html(household: FamilyHousehold | VolunteerHousehold) -> str:
    """One household's letter (an HTML fragment, one A4 page or more), in its language."""
    import segno

    from voisins.familypages.services import household_page_url
    from voisins.households.phones import display_phone
    from voisins.messaging.rendering import render
    from voisins.messaging.selectors import household_messages_to_call, site_url

    programme = household.programme
    language = household.messages_language()
    # What is proposed or asked: each message it could not receive, written out as its
    # e-mail would have been.
    items = []
    for message in household_messages_to_call(household):
        message.language = language  # printed now: in the household's language of now
        subject, body = render(message)
        items.append({"subject": subject, "body": body.strip()})
    # Its signed link (its home; a family's opens only that family's pages).
    url = site_url() + household_page_url(household=household)
    with translation.override(language):
        return render_to_string("staff/letter.html", {
            "household": household, "programme": programme, "items": items, "url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=2),
            # Left to right inside an Arabic letter, else its groups of digits swap.
            "programme_phone": format_html('<span class="ltr">{}</span>',
                                           display_phone(programme.phone))
            if programme.phone else "",
            "signature": programme.message_signature, "language": language,
            "bidi": translation.get_language_bidi(), "today": timezone.localdate(),
        })


def household_letters_pdf(*, households: Iterable[FamilyHousehold | VolunteerHousehold]
                          ) -> bytes:
    """One A4 PDF with a letter for each household (each from a new page), for households
    that Voisins cannot reach by e-mail or SMS: what it was to be told, the programme's
    name, signature and phone number, and its personal link printed and as a QR code.

    Voisins keeps no postal address: each letter says it is to be handed over in person.
    A household without a current link gets one (a write, hence a service). Fonts are
    Debian's (DejaVu covers Arabic and Cyrillic); nothing is fetched but the QR codes'
    ``data:`` URIs.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    letters = [_letter_html(h) for h in households]
    html = render_to_string("staff/letters.html", {"letters": letters})
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
