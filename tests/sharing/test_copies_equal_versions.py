"""Property: whatever a version holds, the programme's copy made by adopting it (and the
copy brought up to the next version by accepting it) holds exactly the version's content,
read back from the owning app's own table."""

import pytest
from django.db import transaction
from django.utils.text import slugify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_user
from voisins.networks import services as networks
from voisins.programmes.categories import BUILTIN_BY_CODE
from voisins.sharing import services
from voisins.sharing.kinds import KINDS

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text as people type it: any letter, digit, punctuation or space (no control characters,
# no braces, which are placeholders in message templates), trimmed, not empty.
text = st.text(st.characters(categories=["L", "N", "P", "Zs", "S"], exclude_characters="{}"),
               min_size=1, max_size=120).map(str.strip).filter(bool)
long_text = st.text(st.characters(categories=["L", "N", "P", "Zs", "S"],
                                  exclude_characters="{}"), max_size=400)
placeholder = st.sampled_from(["", " {first_name}", " {link}", " {programme}"])
template_texts = st.dictionaries(st.sampled_from(["en", "fr", "nl", "ar", "uk"]),
                                 st.tuples(text, placeholder).map("".join),
                                 min_size=1, max_size=5)

CONTENTS = {
    "training_module": st.fixed_dictionaries({"title": text, "description": long_text,
                                              "required": st.booleans()}),
    "message_template": st.fixed_dictionaries({
        "name": text.map(lambda t: t[:120].strip() or "x"),
        "purpose": st.sampled_from(["news", "match", "event", "other"]),
        "texts": template_texts}),
    "service_category": st.fixed_dictionaries({
        # A name its code can be made from, and not a built-in category's (those are in
        # every programme already: the programme's refusal is tested elsewhere).
        "name": text.map(lambda t: t[:100].strip() or "x").filter(
            lambda t: slugify(t)[:40].strip("-") and slugify(t)[:40] not in BUILTIN_BY_CODE),
        "icon": st.sampled_from(["hands", "book", "car", "meal"])}),
}


@pytest.fixture
def member(north, alice):
    network = networks.network_create(name="Réseau", by=make_user("nadia@example.org"))
    networks.member_join(network=network, programme=north, by=alice)
    return network


@pytest.mark.parametrize("kind", sorted(CONTENTS))
def test_an_adopted_copy_holds_the_versions_content(member, north, alice, kind):
    spec = KINDS[kind]

    @SETTINGS
    @given(first=CONTENTS[kind], second=CONTENTS[kind])
    def check(first, second):
        with transaction.atomic():
            material = services.material_publish(network=member, kind=kind, content=first,
                                                 by=alice)
            adoption = services.adoption_create(material=material, programme=north,
                                                by=alice)
            copy = spec.current(north, adoption.copy_id)
            assert spec.compared(spec.content(copy)) == spec.compared(first)
            if spec.compared(second) != spec.compared(first):
                version = services.material_version_publish(material=material,
                                                            content=second, by=alice)
                services.adoption_accept(adoption=adoption, version_id=version.pk,
                                         by=alice)
                adoption.refresh_from_db()
                copy = spec.current(north, adoption.copy_id)
                assert spec.compared(spec.content(copy)) == spec.compared(second)
            transaction.set_rollback(True)

    check()
