"""Reads for the GDPR duties: a person's data export, the record of processing, whether a
household consents to a use, whether it was erased, and who is inactive for the purge."""

import calendar
from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from voisins.households.models import FamilyHousehold, Household, Member, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.privacy.models import Consent, ConsentPurpose
from voisins.programmes.constants import Role
from voisins.programmes.models import Membership, Programme

from .errors import ConsentRequired
from .hooks import ACTIVITY_SOURCES, AUDIT_RECORDS, EXPORT_SECTIONS, EXPORT_TITLES
from .models import Erasure

# A sign-up not confirmed within this time is deleted, and its link no longer works
# (voisins.recruitment reads it here: a retention rule).
SIGNUP_MAX_AGE = 7 * 24 * 3600



def iso(value: Any) -> Any:
    """A date or time as ISO text; anything else as is (for JSON)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_sections(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The other apps' sections of an export, as (title, records) for the PDF."""
    return [(str(EXPORT_TITLES[name]), data.get(name) or []) for name in EXPORT_SECTIONS]


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


HOUSEHOLD_FIELDS = [
    "id", "reference", "contact_first_name", "contact_last_name", "contact_gender", "email",
    "phone", "phone_unread", "preferred_channel", "message_language", "news_opt_out",
    "postcode", "locality", "lat", "lon", "pinned", "languages", "availability",
    "radius_km", "status", "created_at", "updated_at", "last_activity_at",
]
FAMILY_FIELDS = ["needs", "arrival_date", "waiting_since", "wishes", "wishes_note",
                 "page_language"]
VOLUNTEER_FIELDS = ["offers", "capacity", "motivation", "exception_reason", "exception_at"]


def audit_entries(household: Household) -> QuerySet[LogEntry]:
    """The audit log of a household, its members, its consents and the records other apps
    keep about it (``AUDIT_RECORDS``), newest first."""
    kind = household.side
    records: dict[type, QuerySet] = {
        Member: Member.objects.filter(**{kind: household}).values("pk"),
        Consent: Consent.objects.filter(**{kind: household}).values("pk"),
    }
    for function in AUDIT_RECORDS:
        records.update(function(household))
    types = ContentType.objects.get_for_models(type(household), *records)
    condition = Q(content_type=types[type(household)], object_id=household.pk)
    for model, pks in records.items():
        # object_id holds integer primary keys: a subquery, not a list of every id.
        condition |= Q(content_type=types[model], object_id__in=pks)
    return (LogEntry.objects.filter(condition).select_related("actor", "content_type")
            .order_by("-timestamp", "-id"))


def household_export(household: Household) -> dict[str, Any]:
    """Everything Voisins holds about a household, as JSON-ready data (right of access)."""
    is_family = isinstance(household, FamilyHousehold)
    names = HOUSEHOLD_FIELDS + (FAMILY_FIELDS if is_family else VOLUNTEER_FIELDS)
    kind = "family" if is_family else "volunteer"
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "programme": {"name": household.programme.name, "slug": household.programme.slug},
        "kind": kind,
        "household": {name: _iso(getattr(household, name)) for name in names},
        "members": [
            {"kind": m.kind, "first_name": m.first_name, "birth_year": m.birth_year,
             "school_level": m.school_level}
            for m in household.members.all()
        ],
        "consents": [
            {"purpose": c.purpose, "purpose_label": str(ConsentPurpose(c.purpose).label),
             "given_at": _iso(c.given_at), "withdrawn_at": _iso(c.withdrawn_at),
             "notice_version": c.notice.version if c.notice else None,
             "given_by_name": c.given_by_name, "interpreter": c.interpreter}
            for c in household.consents.select_related("notice")
        ],
        "status_history": [
            {"from": s.from_status, "to": s.to_status, "at": _iso(s.changed_at), "note": s.note}
            for s in household.status_changes.all()
        ],
        "access_log": [
            {"at": _iso(e.timestamp), "action": e.get_action_display(),
             "by": (e.actor.get_full_name() or e.actor.email) if e.actor else "system",
             "fields": (e.additional_data or {}).get("fields")
             or sorted((e.changes_dict or {}).keys())}
            for e in audit_entries(household)[:1000]
        ],
    }
    if is_family:
        data["household"]["referrer_organisation"] = (
            household.referrer_organisation.name if household.referrer_organisation else None)
    elif household.user_id:
        data["account"] = {"email": household.user.email,
                           "date_joined": _iso(household.user.date_joined)}
    for name, section in EXPORT_SECTIONS.items():
        data[name] = section(household)
    return data


def processing_record(programme: Programme | None = None) -> dict[str, Any]:
    """The record of processing activities (GDPR art. 30), built from the running settings
    and, when given, one programme's own configuration."""
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    mail = settings.MAILERS["default"]
    mail_host = mail.get("OPTIONS", {}).get("host") or mail["BACKEND"].rsplit(".", 2)[-2]
    programmes = [programme] if programme else list(Programme.objects.all())
    roles = dict(Role.choices)
    record: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "software": "Voisins",
        "controllers": [
            {"programme": p.name, "slug": p.slug,
             "organisations": [o.name for o in p.organisations.all()],
             "retention_months_after_last_activity": p.retention_months,
             "staff_by_role": {
                 str(roles[r]): Membership.objects.filter(programme=p, role=r).count()
                 for r in Role.values},
             "privacy_notice_version": (p.privacy_notices.order_by("-published_at")
                                        .values_list("version", flat=True).first())}
            for p in programmes
        ],
        "purposes": [
            {"code": "programme", "label": "Running the solidarity-neighbours programme: "
             "intake, waiting list, matching, follow-up, mediation", "legal_basis":
             "consent (art. 6.1.a) and legitimate interest of the association (art. 6.1.f)"},
        ] + [{"code": code, "label": str(label), "legal_basis": "consent (art. 6.1.a)"}
             for code, label in ConsentPurpose.choices],
        "data_subjects": ["refugee and migrant families (adults and children)",
                          "volunteer households (adults and children)",
                          "staff, mediators and referrers of partner organisations"],
        "personal_data": {
            "families": HOUSEHOLD_FIELDS + FAMILY_FIELDS + ["members: kind, first name, "
                                                            "birth year, school level"],
            "volunteers": HOUSEHOLD_FIELDS + VOLUNTEER_FIELDS + ["members", "login account"],
            # Each app's part of a person's data, as its export sections name it.
            "kept_with_each_household": [str(title) for title in EXPORT_TITLES.values()],
            "staff": ["e-mail", "name", "role per programme", "two-factor secret"],
            "special_categories": "none requested; mediation cases (a safeguarding case is "
                                  "about a child) and their notes may reveal some: they are "
                                  "encrypted at rest, seen by coordinators and the assigned "
                                  "mediator only (safeguarding: coordinators only), and "
                                  "every read is logged",
        },
        "consent_checked_before": {
            ConsentPurpose.MATCHING.value: "batch matching, a proposal picked by hand, "
                                           "sending a proposal",
            ConsentPurpose.SHARE_CONTACT.value: "showing contact details to the matched "
                                                "household",
            ConsentPurpose.SURVEYS.value: "recording a child's outcome survey",
        },
        "recipients": [
            "the programme's coordinators (all records of their programme)",
            "a mediator (the matches and cases assigned to them, never a safeguarding case)",
            "a referrer (the status of the families they referred)",
            "a matched household (first name, languages and, with its consent to share them, "
            "the other's contact details, while the match lives)",
            "viewers and funders (aggregate figures only)",
        ],
        "transfers_outside_eea": "none: no CDN, no third-party script, map tiles off "
                                 "unless configured",
        "retention": {
            "households": "anonymised after the programme's retention period of inactivity "
                          "(see controllers), by the task `purge_inactive_task`",
            "sessions_seconds": settings.SESSION_COOKIE_AGE,
            "api_token_days": settings.VOISINS_API_TOKEN_DAYS,
            "family_link_days": settings.VOISINS["FAMILY_LINK_DAYS"],
            "unconfirmed_signups_seconds": SIGNUP_MAX_AGE,
            "mail": "what filled a message (names, links) is dropped once it is sent",
            "erasure": "names, contact details and free text go from every record; dates, "
                       "states, ratings and answers 1-5 stay, anonymous, for the figures",
            "audit_log": "kept; it holds no names, e-mails, phone numbers or free text",
        },
        "security_measures": {
            "database": db,
            "mail_server": mail_host,
            "https": settings.HTTPS,
            "hsts_seconds": settings.SECURE_HSTS_SECONDS,
            "secure_cookies": settings.SESSION_COOKIE_SECURE,
            "content_security_policy": "self only, no unsafe-inline",
            "two_factor_required_for": list(settings.VOISINS_REQUIRE_MFA_ROLES),
            "password_hashers": [h.rsplit(".", 1)[-1] for h in settings.PASSWORD_HASHERS],
            "password_validators": [v["NAME"].rsplit(".", 1)[-1]
                                    for v in settings.AUTH_PASSWORD_VALIDATORS],
            "login_rate_limits": settings.ACCOUNT_RATE_LIMITS,
            "access_control": "role × programme × record, in voisins/access.py",
            "audit": "every create, change and delete of households, consents, matches and "
                     "cases; every read of contact details, notes and survey answers",
            "backups": "voisins backup FILE / voisins restore FILE",
            "encrypted_at_rest": "mediation cases, case notes (django-fernet-encrypted-"
                                 "fields)",
        },
    }
    return record


def processing_record_markdown(record: dict[str, Any]) -> str:
    """The record as a readable Markdown document."""
    lines = ["# Record of processing activities", "",
             f"Generated {record['generated_at']} by {record['software']}.", ""]

    def emit(title: str, value: Any, depth: int = 2) -> None:
        if isinstance(value, dict):
            lines.extend([f"{'#' * depth} {title}", ""])
            for key, item in value.items():
                if isinstance(item, dict | list):
                    emit(key.replace("_", " "), item, depth + 1)
                else:
                    lines.append(f"- **{key.replace('_', ' ')}**: {item}")
            lines.append("")
        elif isinstance(value, list):
            lines.extend([f"{'#' * depth} {title}", ""])
            for item in value:
                if isinstance(item, dict):
                    lines.append("- " + "; ".join(f"{k.replace('_', ' ')}: {v}"
                                                  for k, v in item.items()))
                else:
                    lines.append(f"- {item}")
            lines.append("")
        else:
            lines.extend([f"- **{title}**: {value}", ""])

    for key, value in record.items():
        if key not in ("generated_at", "software"):
            emit(key.replace("_", " ").capitalize(), value)
    return "\n".join(lines)


# --- Consent -----------------------------------------------------------------------------

def require_consent(household: Household, purpose: str) -> None:
    """Stop a use of `household`'s data that its consent does not cover.

    Call it right before the use (matching, sharing contact details, sending a survey):
    a consent withdrawn a minute ago counts.

    Raises
    ------
    ConsentRequired
        When there is no consent for `purpose` that was not withdrawn, or the purpose is
        unknown.
    """
    if purpose not in ConsentPurpose.values:
        raise ConsentRequired(household, purpose)
    field = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    if not Consent.objects.filter(**{field: household}, purpose=purpose,
                                  withdrawn_at__isnull=True).exists():
        raise ConsentRequired(household, purpose)


def with_consent(queryset: QuerySet, purpose: str) -> QuerySet:
    """Only the households of `queryset` that consent to `purpose` now (for batch uses).

    One subquery (no join), so it composes with annotated querysets.
    """
    field = "family" if queryset.model is FamilyHousehold else "volunteer"
    return queryset.filter(Exists(Consent.objects.filter(
        **{field: OuterRef("pk")}, purpose=purpose, withdrawn_at__isnull=True)))


# --- Erasure and retention ---------------------------------------------------------------


def is_erased(household: Household) -> bool:
    """Whether `household` was erased (anonymised for good)."""
    return Erasure.objects.filter(kind=household.side, household_id=household.pk).exists()


def erased_filter(kind: str) -> Q:
    """A condition on households: not erased (for lists that should skip them)."""
    return ~Q(pk__in=Erasure.objects.filter(kind=kind).values("household_id"))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def inactive_households(programme: Programme, *, now: datetime | None = None
                        ) -> tuple[QuerySet, QuerySet]:
    """Families and volunteer households of `programme` inactive for longer than its
    retention period, and not yet erased.

    Inactive: the household itself did not change (``last_activity_at``), it is not
    matched, and no other app records activity for it since the cutoff
    (``ACTIVITY_SOURCES``: a live match, a proposal, an answered check-in, a case, a
    training, a survey, an event…).
    """
    cutoff = months_before(now or timezone.now(), programme.retention_months)
    erased = Erasure.objects.filter(programme=programme)
    families = FamilyHousehold.objects.filter(
        programme=programme, last_activity_at__lt=cutoff
    ).exclude(status=FamilyStatus.MATCHED).exclude(
        pk__in=erased.filter(kind="family").values("household_id"))
    volunteers = VolunteerHousehold.objects.filter(
        programme=programme, last_activity_at__lt=cutoff
    ).exclude(status=VolunteerStatus.MATCHED).exclude(
        pk__in=erased.filter(kind="volunteer").values("household_id"))
    for source in ACTIVITY_SOURCES:
        families = families.exclude(pk__in=source("family", cutoff))
        volunteers = volunteers.exclude(pk__in=source("volunteer", cutoff))
    return families, volunteers
