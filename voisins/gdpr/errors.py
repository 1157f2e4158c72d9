from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from voisins.privacy.models import ConsentPurpose


class ConsentRequired(PermissionDenied):
    """A use of a household's data that its consent does not cover (or no longer covers).

    It is a PermissionDenied, so a view that lets it through answers 403 rather than 500.
    """

    def __init__(self, household: object, purpose: str) -> None:
        self.household = household
        self.purpose = purpose
        label = dict(ConsentPurpose.choices).get(purpose, purpose)
        super().__init__(_("This household has not consented to %(purpose)s.")
                         % {"purpose": label})
