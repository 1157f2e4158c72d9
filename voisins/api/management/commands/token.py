from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.accounts.models import User
from voisins.api.models import ApiToken
from voisins.api.services import token_create, token_revoke


class Command(BaseCommand):
    help = (
        "Print a new API token for the user with this e-mail address (it acts with that "
        "user's roles), or revoke that user's tokens with --revoke."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--days", type=int, default=None,
                            help="lifetime in days (default: VOISINS_API_TOKEN_DAYS, 90)")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--revoke", action="store_true",
                            help="revoke every token of this user instead")

    def handle(self, *args: object, **options: object) -> None:
        email = str(options["email"]).strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with e-mail address {email!r}.")
        if options["revoke"]:
            tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
            count = 0
            for token in tokens:
                token_revoke(token=token)
                count += 1
            self.stdout.write(f"Revoked {count} token(s) of {user.email}.")
            return
        try:
            token, raw = token_create(user=user, name=str(options["name"]),
                                      days=options["days"])  # type: ignore[arg-type]
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(f"Token for {user.email}, valid until {token.expires_at:%Y-%m-%d}. "
                          "It is shown only once:")
        self.stdout.write(raw)
