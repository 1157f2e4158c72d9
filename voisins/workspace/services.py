"""Writes of the workspace shell."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from voisins.accounts.models import User


def user_set_language(*, user: User, language: str) -> User:
    """Remember `language` as the user's own choice, used on every device from then on.

    Raises ValidationError on ``language`` when it is not one Voisins speaks.
    """
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    return user
