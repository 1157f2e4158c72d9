"""The token of a sign-up's confirmation link: signed, valid for a week."""

from django.core import signing

from .models import Signup

SIGNUP_SALT = "voisins.recruitment.signup"
SIGNUP_MAX_AGE = 7 * 24 * 3600


def signup_token(signup: Signup) -> str:
    """The token of `signup`'s confirmation link."""
    return signing.dumps(signup.pk, salt=SIGNUP_SALT, compress=True)


def signup_from_token(token: str) -> Signup:
    """The sign-up a confirmation link points to.

    Raises
    ------
    signing.BadSignature
        When the link was altered or is older than a week (SignatureExpired).
    Signup.DoesNotExist
        When the sign-up was removed.
    """
    pk = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    return Signup.objects.select_related("programme").get(pk=pk)
