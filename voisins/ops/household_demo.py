"""Synthetic demo data: realistic in shape, deterministic for a seed, never real people.

Places are Brussels' 19 communes and Walloon towns weighted by population; families
speak the languages of recent arrivals in Belgium, volunteers those of their neighbours.
Frequencies are plausible guesses for a demo, not statistics.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.places import coarsen, find_postcode
from voisins.privacy.models import Consent, ConsentPurpose, PrivacyNotice
from voisins.programmes.constants import SLOTS, Role
from voisins.programmes.models import Programme
from voisins.programmes.services import membership_grant, programme_create, programme_update

# (postcode, population in thousands)
PLACES = [
    ("1000", 188), ("1030", 133), ("1040", 48), ("1050", 87), ("1060", 50), ("1070", 121),
    ("1080", 97), ("1081", 22), ("1082", 25), ("1083", 25), ("1090", 53), ("1140", 42),
    ("1150", 42), ("1160", 34), ("1170", 25), ("1180", 84), ("1190", 56), ("1200", 57),
    ("1210", 27),
    ("4000", 197), ("6000", 202), ("5000", 112), ("7000", 96), ("4800", 55), ("7500", 69),
    ("7100", 81), ("4100", 64), ("7700", 59), ("1300", 34), ("1348", 32),
]

FAMILY_ORIGINS = [
    # (weight, languages (first = mother tongue), women's first names, men's first names,
    #  last names (women's, men's: the same where the language does not inflect them))
    (26, ["ar"], ["Amina", "Rania", "Lina", "Nour", "Hala", "سارة"],
     ["Yousef", "Khaled", "Omar", "Samir", "Ahmad", "محمد"],
     (["Haddad", "Al-Khatib", "Darwish", "Nasser", "Saleh", "Hamdan", "الحلبي"],) * 2),
    (18, ["prs", "fa"], ["Farida", "Zahra", "Mariam", "Nargis"], ["Ahmad", "Jawad", "Habib"],
     (["Rahimi", "Ahmadi", "Karimi", "Sultani", "Hakimi"],) * 2),
    (8, ["ps", "prs"], ["Shabana", "Palwasha", "Malalai"], ["Rahmat", "Wali", "Gul Agha"],
     (["Khan", "Yousafzai", "Safi", "Mohmand"],) * 2),
    (12, ["ti", "ar"], ["Senait", "Helen", "Lemlem", "ሰላም"], ["Yonas", "Dawit", "Tesfay"],
     (["Tesfamariam", "Ghebreyesus", "Haile", "Berhane"],) * 2),
    (16, ["uk", "ru"], ["Olena", "Iryna", "Oksana", "Олена"], ["Andriy", "Taras", "Dmytro"],
     (["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Мельник"],) * 2),
    (4, ["ru"], ["Natalia", "Anna"], ["Sergei", "Pavel"],
     (["Ivanova", "Petrova", "Smirnova"], ["Ivanov", "Petrov", "Smirnov"])),
    (6, ["so", "ar"], ["Hodan", "Faadumo"], ["Abdi", "Mahad"],
     (["Warsame", "Abdullahi", "Farah"],) * 2),
    (6, ["ku", "ar"], ["Rojda", "Berivan"], ["Azad", "Dilan"], (["Baran", "Zana", "Aydin"],) * 2),
    (4, ["fa"], ["Shirin", "Parisa"], ["Reza", "Kaveh"], (["Tehrani", "Moradi", "Jafari"],) * 2),
]
VOLUNTEER_WOMEN = ["Marie", "Sophie", "Anne", "Els", "Nathalie", "Julie", "Isabelle", "Sarah",
                   "Fatima", "Inès", "Claire"]
VOLUNTEER_MEN = ["Luc", "Pierre", "Jan", "Thomas", "Marc", "Koen", "David", "Youssef", "Bart"]
VOLUNTEER_LAST = ["Dubois", "Lambert", "Peeters", "Janssens", "Martin", "Dupont", "Maes",
                  "Leclercq", "Simon", "Claes", "Wouters", "Renard", "El Amrani", "Benali",
                  "Goossens", "Laurent"]
NEED_FREQ = {"homework": 40, "paperwork": 45, "french-conversation": 50, "discover-area": 30,
             "transport": 20, "shared-meal": 15, "outings-children": 25, "digital-help": 20,
             "together": 10}
OFFER_FREQ = {"homework": 35, "paperwork": 30, "french-conversation": 55, "discover-area": 45,
              "transport": 25, "shared-meal": 35, "outings-children": 30, "digital-help": 25,
              "together": 40}
SLOT_WEIGHT = {"am": 2, "pm": 3, "eve": 4}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str


def demo_password(slug: str, seed: int) -> str:
    """A readable password, the same for the same programme and seed."""
    rng = random.Random(f"password:{slug}:{seed}")
    words = ["tilleul", "canal", "marelle", "soupe", "velo", "jardin", "lanterne", "pomme",
             "tram", "atelier", "voisin", "cerise", "banc", "trottinette", "potager"]
    return "-".join(rng.sample(words, 3)) + f"-{rng.randrange(1000, 9999)}"


def demo_email(slug: str, role: str) -> str:
    return f"{role}@{slug}.voisins.example"


def _weighted(rng: random.Random, table: dict[str, int], low: int, high: int) -> list[str]:
    n = rng.randint(low, high)
    keys, weights = list(table), list(table.values())
    chosen: list[str] = []
    while len(chosen) < n:
        pick = rng.choices(keys, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _slots(rng: random.Random, low: int, high: int) -> list[str]:
    weights = [SLOT_WEIGHT[s.split("-")[1]] * (2 if s[:3] in ("sat", "sun") else 1)
               for s in SLOTS]
    chosen: set[str] = set()
    target = rng.randint(low, high)
    while len(chosen) < target:
        chosen.add(rng.choices(SLOTS, weights)[0])
    return [s for s in SLOTS if s in chosen]


def _point(rng: random.Random, country: str) -> tuple[str, str, float, float]:
    postcode = rng.choices([p for p, _w in PLACES], [w for _p, w in PLACES])[0]
    place = find_postcode(country, postcode)
    assert place is not None, postcode
    # Spread people around the centroid (about 1 km), then coarsen like a pinned point.
    lat, lon = coarsen(place.lat + rng.gauss(0, 0.009), place.lon + rng.gauss(0, 0.013))
    return postcode, place.locality, lat, lon


def _children(rng: random.Random, this_year: int, mean: float) -> list[dict[str, Any]]:
    count = min(5, max(0, round(rng.gauss(mean, 1.1))))
    children = []
    for _i in range(count):
        age = rng.randint(0, 17)
        level = "nursery" if 3 <= age < 6 else "primary" if 6 <= age < 12 else \
            "secondary" if age >= 12 else ""
        children.append({"kind": "child", "birth_year": this_year - age, "school_level": level,
                         "first_name": ""})
    return children


def _user(email: str, password: str, **extra: Any) -> User:
    user = User.objects.filter(email=email).first() or User(email=email)
    for key, value in extra.items():
        setattr(user, key, value)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def generate(
    *,
    families: int,
    volunteers: int,
    seed: int,
    slug: str = "demo",
    progress: Callable[[int], None] = lambda n: None,
) -> DemoLogin:
    """Create (or extend) programme `slug` with synthetic households; return its login."""
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    this_year = now.year
    with transaction.atomic():
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            programme = programme_create(
                name=f"Voisins Solidaires – {slug}", slug=slug, country="BE",
                languages=["fr", "nl", "en"],
            )
            # Messages and letters are signed and give a number to call back (synthetic).
            programme = programme_update(programme=programme, changes={
                "signature": "L'équipe Voisins Solidaires (démo)", "phone": "02 512 34 56"})
            PrivacyNotice.objects.create(
                programme=programme, version="1",
                text="Demo privacy notice: synthetic data only.",
            )
        password = demo_password(slug, seed)
        coordinator = _user(demo_email(slug, "coordinator"), password,
                            first_name="Camille", last_name="Coordination")
        membership_grant(user=coordinator, programme=programme, role=Role.COORDINATOR)
        for role in (Role.MEDIATOR, Role.REFERRER, Role.VIEWER):
            user = _user(demo_email(slug, role), password, first_name=str(role.label))
            membership_grant(user=user, programme=programme, role=role)
    notice = PrivacyNotice.objects.filter(programme=programme).order_by("-published_at").first()
    batch = 1000
    origin_weights = [o[0] for o in FAMILY_ORIGINS]
    for start in range(0, families, batch):
        with transaction.atomic():
            rows, people = [], []
            for _i in range(start, min(families, start + batch)):
                _w, langs, women, men, lasts = rng.choices(FAMILY_ORIGINS, origin_weights)[0]
                # The contact person's name goes with the gender recorded for them.
                gender = rng.choice(["f", "m"])
                first = rng.choice(women if gender == "f" else men)
                last = rng.choice(lasts[0] if gender == "f" else lasts[1])
                postcode, locality, lat, lon = _point(rng, programme.country)
                languages = [{"code": langs[0], "level": "native"}]
                languages += [{"code": c, "level": "fluent"} for c in langs[1:]]
                # Many families have learnt some French or English: the language they
                # share with their neighbours.
                for extra, chance in (("en", 0.35), ("fr", 0.6)):
                    if rng.random() < chance:
                        languages.append({"code": extra, "level": "basic"})
                children = _children(rng, this_year, 1.8)
                need_codes = _weighted(rng, NEED_FREQ, 1, 4)
                if not children:
                    need_codes = [n for n in need_codes if n not in ("homework",
                                                                     "outings-children")]
                    need_codes = need_codes or ["french-conversation"]
                status = rng.choices(
                    [FamilyStatus.REFERRED, FamilyStatus.INTAKE_DONE, FamilyStatus.WAITING,
                     FamilyStatus.ENDED], [5, 7, 85, 3])[0]
                created = now - timedelta(days=rng.randint(3, 400))
                rows.append(FamilyHousehold(
                    programme=programme,
                    contact_first_name=first, contact_last_name=last, contact_gender=gender,
                    email="", phone=f"+324{rng.randint(70, 99)}{rng.randint(100000, 999999)}",
                    postcode=postcode, locality=locality, lat=lat, lon=lon, pinned=True,
                    languages=languages, availability=_slots(rng, 2, 8),
                    radius_km=rng.choice([1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0]),
                    status=status,
                    needs={n: rng.choice([1, 2, 2, 3]) for n in need_codes},
                    arrival_date=(created - timedelta(days=rng.randint(30, 900))).date(),
                    waiting_since=created if status == FamilyStatus.WAITING else None,
                    wishes=(["with-children"] if children and rng.random() < 0.3 else [])
                    + (["woman-contact"] if rng.random() < 0.15 else []),
                    # Pages in the family's own language where Voisins writes it.
                    page_language=rng.choice([langs[0], langs[0], langs[0], langs[0], "fr"])
                    if langs[0] in ("ar", "uk") else rng.choice(["en", "fr"]),
                    created_at=created, last_activity_at=created,
                ))
                # Parents at least 18 years older than their eldest child.
                low = max([22] + [this_year - c["birth_year"] + 18 for c in children])
                adults = [{"kind": "adult",
                           "birth_year": this_year - rng.randint(low, max(low + 5, 55)),
                           "school_level": "", "first_name": ""}
                          for _a in range(rng.choice([1, 2, 2]))]
                people.append(adults + children)
            _save(FamilyHousehold, "family", rows, people, notice, programme)
        progress(len(rows))
    for start in range(0, volunteers, batch):
        with transaction.atomic():
            rows, people = [], []
            for _i in range(start, min(volunteers, start + batch)):
                postcode, locality, lat, lon = _point(rng, programme.country)
                base = rng.choices(["fr", "nl"], [80, 20])[0]
                languages = [{"code": base, "level": "native"}]
                for extra, chance in (("en", 0.55), ("nl" if base == "fr" else "fr", 0.35),
                                      ("ar", 0.15), ("es", 0.08), ("uk", 0.05),
                                      ("ru", 0.05), ("de", 0.05)):
                    if rng.random() < chance:
                        languages.append({"code": extra, "level": rng.choice(
                            ["fluent", "basic", "native" if extra == "ar" else "fluent"])})
                children = _children(rng, this_year, 0.9)
                created = now - timedelta(days=rng.randint(3, 700))
                gender = rng.choices(["f", "m"], [65, 35])[0]
                rows.append(VolunteerHousehold(
                    programme=programme,
                    contact_first_name=rng.choice(VOLUNTEER_WOMEN if gender == "f"
                                                  else VOLUNTEER_MEN),
                    contact_last_name=rng.choice(VOLUNTEER_LAST), contact_gender=gender,
                    email=f"volunteer{_i + 1}@{slug}.voisins.example",
                    phone=f"+324{rng.randint(70, 99)}{rng.randint(100000, 999999)}",
                    postcode=postcode, locality=locality, lat=lat, lon=lon, pinned=True,
                    languages=languages, availability=_slots(rng, 3, 9),
                    radius_km=rng.choice([2.0, 3.0, 3.0, 4.0, 5.0, 5.0]),
                    status=rng.choices(
                        [VolunteerStatus.APPLIED, VolunteerStatus.SCREENED,
                         VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE,
                         VolunteerStatus.PAUSED], [8, 7, 10, 70, 5])[0],
                    offers=_weighted(rng, OFFER_FREQ, 2, 5),
                    capacity=rng.choices([1, 2, 3], [80, 17, 3])[0],
                    motivation="",
                    created_at=created, last_activity_at=created,
                ))
                low = max([24] + [this_year - c["birth_year"] + 18 for c in children])
                adults = [{"kind": "adult",
                           "birth_year": this_year - rng.randint(low, max(low + 5, 75)),
                           "school_level": "", "first_name": ""}
                          for _a in range(rng.choice([1, 1, 2, 2]))]
                people.append(adults + children)
            _save(VolunteerHousehold, "volunteer", rows, people, notice, programme)
        progress(len(rows))
    return DemoLogin(demo_email(slug, "coordinator"), password)


def _save(model: Any, key: str, rows: list, people: list, notice: Any, programme: Any) -> None:
    # Demo references continue after the existing ones so a second run extends the data.
    offset = model.objects.filter(programme=programme).count()
    prefix = "F" if key == "family" else "V"
    for i, row in enumerate(rows):
        row.reference = f"{prefix}{offset + i + 1:06d}"
    created = model.objects.bulk_create(rows, batch_size=500)
    if created and created[0].pk is None:  # backends that do not return keys
        created = list(model.objects.filter(
            programme=programme, reference__in=[r.reference for r in rows]).order_by("id"))
    Member.objects.bulk_create(
        [Member(**p, **{key: h}) for h, ps in zip(created, people, strict=True) for p in ps],
        batch_size=2000,
    )
    StatusChange.objects.bulk_create(
        [StatusChange(**{key: h}, from_status="", to_status=h.status, changed_at=h.created_at,
                      note="demo") for h in created], batch_size=2000,
    )
    # Demo households agreed at intake to be matched and to share their contact details
    # with the matched household; families also to answer the outcome surveys.
    purposes = [ConsentPurpose.MATCHING, ConsentPurpose.SHARE_CONTACT]
    if key == "family":
        purposes.append(ConsentPurpose.SURVEYS)
    Consent.objects.bulk_create(
        [Consent(programme=programme, **{key: h}, purpose=purpose, notice=notice,
                 given_at=h.created_at) for h in created for purpose in purposes],
        batch_size=2000,
    )
