"""Which models django-auditlog watches, and how personal values are kept out of the log.

Every create, change and delete of a household, its members and its consent is logged
(who, when, from where, which fields). The values of fields that identify a person are
masked, and each entry names its record as "family #12" rather than by the person's
name, so that the log itself holds no directly identifying data and erasing a person
never requires editing it. Models of other apps (matches, cases) join the list below by
name as soon as they are installed.
"""

from django.apps import apps
from django.db.models.signals import pre_save
from django.utils import translation

# app_label.ModelName → fields whose values never reach the log
WATCHED: dict[str, list[str]] = {
    "households.FamilyHousehold": [
        "contact_first_name", "contact_last_name", "email", "phone", "phone_unread",
        "wishes_note", "lat", "lon",
    ],
    "households.VolunteerHousehold": [
        "contact_first_name", "contact_last_name", "email", "phone", "phone_unread",
        "motivation", "lat", "lon",
    ],
    "households.Member": ["first_name"],
    "privacy.Consent": ["given_by_name", "interpreter"],
    # Match life and mediation: every write of a match and what belongs to it, a case and
    # its notes and callbacks; free text masked like names.
    "matches.Match": ["end_note", "pause_reason"],
    "matches.Proposal": ["note", "volunteer_comment", "family_comment"],
    "matches.Introduction": ["place", "note"],
    "matches.CheckIn": ["activities", "worry"],
    "matches.Activity": ["text"],
    "mediation.Case": ["summary", "resolution"],
    "mediation.CaseNote": ["text"],
    "mediation.Callback": ["when"],
    # A household's move to another programme (no free text: names are in the consents).
    "transfers.Transfer": [],
}

MASK = "••••"


def mask(value: str) -> str:
    """The whole value is hidden: only the fact that the field changed is kept."""
    return MASK


def registered_models() -> list:
    models = []
    for label in WATCHED:
        try:
            models.append(apps.get_model(label))
        except LookupError:
            continue
    return models


def register_models() -> None:
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    for label, masked in WATCHED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if auditlog.contains(model):
            continue
        names = {f.name for f in model._meta.get_fields()}
        auditlog.register(model, mask_fields=[f for f in masked if f in names],
                          mask_callable="voisins.audit.registration.mask")
    pre_save.connect(_impersonal_repr, sender=LogEntry, dispatch_uid="voisins_audit_repr")


def _impersonal_repr(sender, instance, **kwargs) -> None:
    """Name the record by its kind and number, never by the person's name."""
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and model in registered_models():
        with translation.override("en"):  # one language in the log, whoever writes
            instance.object_repr = f"{model._meta.verbose_name} #{instance.object_pk}"
