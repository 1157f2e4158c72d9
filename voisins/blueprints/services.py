"""Start a new programme from a template: the built-in one or a programme the user may
manage. What is copied is the programme's way of working, never a household."""

from django.db import transaction
from django.utils import translation

from voisins.accounts.models import User
from voisins.privacy.models import PrivacyNotice
from voisins.privacy.selectors import current_notice
from voisins.programmes.constants import Role
from voisins.programmes.models import Programme, ServiceCategory
from voisins.programmes.services import membership_grant, programme_create
from voisins.recruitment.models import PUBLIC_LANGUAGES, Charter, PublicText
from voisins.training.models import TrainingModule

from . import builtin


@transaction.atomic
def programme_create_from_template(*, name: str, slug: str, country: str,
                                   languages: list[str] | None, source: Programme | None,
                                   by: User) -> Programme:
    """Create a programme, make `by` its coordinator and copy from `source` (or the
    built-in template when None): service categories, training modules (with which are
    required), the current charter, the check-in schedule, the current privacy notice
    and the public-page texts. Households, staff, news and campaigns are never copied.

    Raises ValidationError naming the field (name, slug, country, languages) as
    ``programme_create`` does; nothing is written then.
    """
    programme = programme_create(name=name, slug=slug, country=country, languages=languages)
    membership_grant(user=by, programme=programme, role=Role.COORDINATOR)
    if source is None:
        _from_builtin(programme)
    else:
        _from_programme(programme, source)
    return programme


@transaction.atomic
def programme_apply_builtin_template(*, programme: Programme) -> Programme:
    """Give an existing programme that has none of them yet the built-in training modules,
    charter, privacy notice and public texts (for example a programme made by `voisins
    demo`). Whatever the programme already has is left as it is."""
    if not programme.training_modules.exists():
        with translation.override(_first_public_language(programme)):
            _builtin_modules(programme)
    if not programme.charters.exists():
        with translation.override(_first_public_language(programme)):
            Charter.objects.create(programme=programme, version="1",
                                   text=str(builtin.CHARTER))
    if not PrivacyNotice.objects.filter(programme=programme).exists():
        with translation.override(_first_public_language(programme)):
            PrivacyNotice.objects.create(programme=programme, version="1",
                                         text=str(builtin.PRIVACY_NOTICE))
    if not programme.public_texts.exists():
        _builtin_public_texts(programme)
    return programme


def _from_programme(programme: Programme, source: Programme) -> None:
    own = {c.code: c for c in programme.service_categories.all()}
    for category in source.service_categories.all():
        copy = own.get(category.code) or ServiceCategory(programme=programme, code=category.code)
        copy.name, copy.icon = category.name, category.icon
        copy.position, copy.active = category.position, category.active
        copy.full_clean()
        copy.save()
    # Categories the source switched off or removed stay off in the copy.
    programme.service_categories.exclude(
        code__in=[c.code for c in source.service_categories.all()]).update(active=False)
    programme.checkin_schedule_days = list(source.checkin_schedule_days)
    programme.default_radius_km = source.default_radius_km
    programme.retention_months = source.retention_months
    programme.full_clean()
    programme.save()
    TrainingModule.objects.bulk_create(
        TrainingModule(programme=programme, title=m.title, description=m.description,
                       required=m.required, position=m.position)
        for m in source.training_modules.all())
    charter = source.charters.first()
    if charter is not None:
        Charter.objects.create(programme=programme, version=charter.version, text=charter.text)
    notice = current_notice(source.pk)
    if notice is not None:
        PrivacyNotice.objects.create(programme=programme, version=notice.version,
                                     text=notice.text)
    PublicText.objects.bulk_create(
        PublicText(programme=programme, language=t.language, tagline=t.tagline,
                   about=t.about, how_to_join=t.how_to_join, how_to_refer=t.how_to_refer)
        for t in source.public_texts.all())


def _from_builtin(programme: Programme) -> None:
    programme_apply_builtin_template(programme=programme)


def _builtin_modules(programme: Programme) -> None:
    TrainingModule.objects.bulk_create(
        TrainingModule(programme=programme, title=str(title), description=str(text),
                       required=required, position=i)
        for i, (title, text, required) in enumerate(builtin.MODULES))


def _builtin_public_texts(programme: Programme) -> None:
    for code, _name in PUBLIC_LANGUAGES:
        if code in programme.languages:
            with translation.override(code):
                PublicText.objects.create(
                    programme=programme, language=code, tagline=str(builtin.TAGLINE),
                    about=str(builtin.ABOUT), how_to_join=str(builtin.HOW_TO_JOIN),
                    how_to_refer=str(builtin.HOW_TO_REFER))


def _first_public_language(programme: Programme) -> str:
    codes = [code for code, _name in PUBLIC_LANGUAGES]
    return next((c for c in programme.languages if c in codes), "fr")
