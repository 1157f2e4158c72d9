"""The demo programme's information note (ASBL template), its insurance policies, and
acknowledgements by some households (others have not read it yet), all through the
services."""

import random
from datetime import timedelta

from django.utils import timezone

from voisins.programmes.models import Programme

from . import selectors, services
from .models import Channel, Cover, ExpensesRegime, LegalStatus


def volunteering_demo(programme: Programme, seed: int = 1) -> None:
    """Add the note, the policies and acknowledgements to `programme` (idempotent: nothing
    is added when it has a note already)."""
    if selectors.current_note(programme) is not None or programme.information_notes.exists():
        return
    rng = random.Random(f"volunteering:{programme.slug}:{seed}")
    today = timezone.localdate()
    services.insurance_policy_create(
        programme=programme, insurer="Ethias", policy_number="45.201.377",
        covers=[Cover.CIVIL_LIABILITY, Cover.BODILY_ACCIDENTS],
        valid_from=today - timedelta(days=565), valid_to=today - timedelta(days=201))
    services.insurance_policy_create(
        programme=programme, insurer="Ethias", policy_number="45.201.377-B",
        covers=[Cover.CIVIL_LIABILITY, Cover.BODILY_ACCIDENTS, Cover.LEGAL_AID],
        valid_from=today - timedelta(days=200), valid_to=today + timedelta(days=165))
    note = services.information_note_publish(
        programme=programme, legal_status=LegalStatus.ASBL,
        organisation_name=programme.message_signature, enterprise_number="0456.789.123",
        aim="Mettre en contact des ménages du quartier avec des familles réfugiées qui "
            "vivent tout près, pour s'entraider au quotidien.",
        expenses_regime=ExpensesRegime.FLAT, discretion=True,
        contact=programme.phone or "l'équipe de coordination",
        published_at=timezone.now() - timedelta(days=60))
    for volunteer in selectors.expected_households(programme).select_related("programme"):
        roll = rng.random()
        if roll < 0.55:
            channel = rng.choice([Channel.LINK, Channel.LINK, Channel.PORTAL])
            services.note_acknowledge(note=note, volunteer=volunteer, channel=channel)
        elif roll < 0.65:
            services.note_acknowledge(
                note=note, volunteer=volunteer, channel=Channel.PAPER,
                acknowledged_on=today - timedelta(days=rng.randint(1, 50)))
        elif roll < 0.75:
            services.note_receive(note=note, volunteer=volunteer, channel=Channel.LINK)
