"""Accounts and links for the simulated people of bench/load.py, as JSON on stdout:
the coordinator's login and an API token, volunteers with a proposal to answer, families
with a check-in to answer (their personal links). Run by bench/load.py."""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from voisins.accounts.models import User  # noqa: E402
from voisins.api.services import token_create  # noqa: E402
from voisins.familypages.services import family_page_url  # noqa: E402
from voisins.matches.models import CheckIn, Proposal  # noqa: E402
from voisins.ops import household_demo as demo  # noqa: E402

MAX = 1000


def main(slug: str, seed: int) -> None:
    email = demo.demo_email(slug, "coordinator")
    _token, raw = token_create(user=User.objects.get(email=email))
    proposals = (Proposal.objects.filter(programme__slug=slug, status="sent", volunteer_answer="",
                                         volunteer__user__isnull=False)
                 .select_related("volunteer__user").order_by("id")[:MAX])
    today = timezone.localdate()
    checkins = (CheckIn.objects.filter(
        match__programme__slug=slug, match__status="active", side="family",
        answered_at__isnull=True, due_on__lte=today, due_on__gte=today - timedelta(days=25))
        .select_related("match__family").order_by("id")[:MAX])
    print(json.dumps({
        "slug": slug, "token": raw,
        "coordinator": {"email": email, "password": demo.demo_password(slug, seed)},
        "volunteers": [{"email": p.volunteer.user.email, "proposal": p.pk} for p in proposals],
        "families": [{"checkin": family_page_url(family=c.match.family,
                                                 page="matches:family_checkin_answer", pk=c.pk),
                      "checkins": family_page_url(family=c.match.family,
                                                  page="matches:family_checkin"),
                      "home": family_page_url(family=c.match.family)} for c in checkins],
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
