"""Reads for a volunteer household's own pages: its portal (logged in) and the pages it
opens through its personal link."""

from datetime import datetime
from typing import Any

from django.utils import formats, timezone

from voisins.community import selectors as community
from voisins.familypages.links import household_links_of
from voisins.files.selectors import handouts_for
from voisins.gdpr.selectors import HOUSEHOLD_FIELDS, VOLUNTEER_FIELDS, household_export
from voisins.households.models import VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.matches import selectors as matches
from voisins.programmes.labels import language_label, service_label, slot_label
from voisins.training import selectors as training
from voisins.volunteering.selectors import note_status


def volunteer_trainings(volunteer: VolunteerHousehold) -> dict[str, Any]:
    """Its registrations, the sessions it may still register for, the required modules
    it has not attended."""
    registrations = list(training.registrations_of(volunteer))
    registered = {r.session_id for r in registrations}
    return {
        "registrations": registrations,
        # A household that left registers again only after joining again.
        "sessions": [] if volunteer.status == VolunteerStatus.LEFT else [
            s for s in training.upcoming_sessions(volunteer.programme)
            if s.pk not in registered][:20],
        "missing_modules": training.missing_required_modules(volunteer),
        # The handouts of the modules it registered for (issue 18).
        "handouts": list(handouts_for(volunteer)),
    }


def volunteer_invitations(volunteer: VolunteerHousehold) -> list:
    """The coming events it is invited to (as a household without an account, or
    through its account), with waiting places."""
    return community.household_invitations(volunteer)


def volunteer_link_home(*, volunteer: VolunteerHousehold, token: str) -> dict[str, Any]:
    """What the home page behind a volunteer household's link shows: what waits for an
    answer (proposals, check-ins), its matches, trainings and events."""
    proposals = list(matches.volunteer_proposals_open(volunteer))
    user = volunteer.user if volunteer.user_id else None
    return {
        "volunteer": volunteer, "programme": volunteer.programme, "token": token,
        "proposals": proposals,
        "unanswered": [p for p in proposals if not p.volunteer_answer],
        "matches": list(matches.volunteer_matches_live(volunteer)),
        "checkins": list(matches.checkins_open_for_volunteer(volunteer)),
        "invitations": volunteer_invitations(volunteer),
        "has_password": bool(user and user.has_usable_password()),
        **volunteer_trainings(volunteer),
        **note_status(volunteer),
    }


def volunteer_own_data(volunteer: VolunteerHousehold) -> dict[str, Any]:
    """What Voisins holds about the household, for its own eyes, in words: the fields of
    its record with their labels, its members, consents and personal links (the export's
    content, without the staff's access log)."""
    data = household_export(volunteer)
    words = {
        "languages": lambda v: ", ".join(language_label(e["code"]) for e in v
                                         if isinstance(e, dict) and e.get("code")),
        "availability": lambda v: ", ".join(slot_label(code) for code in v),
        "offers": lambda v: ", ".join(service_label(code) for code in v),
        "status": lambda v: volunteer.get_status_display(),
        "contact_gender": lambda v: volunteer.get_contact_gender_display(),
    }
    fields = []
    for name in HOUSEHOLD_FIELDS + VOLUNTEER_FIELDS:
        value = getattr(volunteer, name)
        if name in ("id", "lat", "lon", "pinned", "updated_at") or value in ("", None, [], {}):
            continue
        if name in words:
            value = words[name](value)
        elif isinstance(value, datetime):
            value = formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
        elif isinstance(value, float):
            value = formats.number_format(value, decimal_pos=1)
        fields.append((VolunteerHousehold._meta.get_field(name).verbose_name, value))
    return {"volunteer": volunteer, "programme": volunteer.programme, "fields": fields,
            "members": data["members"], "consents": data["consents"],
            "links": list(household_links_of(volunteer)), "account": data.get("account")}
