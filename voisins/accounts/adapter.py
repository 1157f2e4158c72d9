from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Staff and volunteers get their accounts from a coordinator, not from open sign-up.

    Volunteer households sign up through their programme's own form, which records
    consent and postcode; a bare account without a household would be useless.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
