import time
from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.apps import apps
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Staff and volunteers get their accounts from a coordinator, not from open sign-up.

    Volunteer households sign up through their programme's own form, which records
    consent and postcode; a bare account without a household would be useless.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's "no account with this address" mail goes only to a volunteer
        household's address (it points to the household's personal link): to any other
        address, nothing (issue 19: no mail to strangers on anyone's request)."""
        if template_prefix == "account/email/unknown_account":
            households = apps.get_model("households", "VolunteerHousehold")
            if not households.objects.filter(email__iexact=email).exists():
                return
        super().send_mail(template_prefix, email, context)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A coordinator sent to set up two factors right after typing the password is
        not asked for it again; changing two factors later still needs it."""
        if app == "allauth.mfa" and self._just_logged_in_without_mfa():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    @staticmethod
    def _just_logged_in_without_mfa() -> bool:
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.mfa.utils import is_mfa_enabled

        request = getattr(context, "request", None)
        user = getattr(request, "user", None)
        if request is None or not getattr(user, "is_authenticated", False):
            return False
        if is_mfa_enabled(user):
            return False
        records = [r for r in get_authentication_records(request, user)
                   if r.get("method") == "password"]
        return bool(records) and (
            time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT)
