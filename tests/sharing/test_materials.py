"""Shared materials of a network, end to end through the pages: the network coordinator
publishes a training module, the charter's programme its information note and a message
template; a member programme adopts each (its own copy, made by the owning app), the
network publishes a new version, the programme is offered the update and takes it or
keeps its own; what the programme changed in its copy is named before it is overwritten.
Refusals name their field; a network role never reaches a programme's copies."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import make_user
from voisins.messaging.models import MessageTemplate
from voisins.messaging.services import message_template_save
from voisins.networks import services as networks
from voisins.programmes.constants import NetworkRole
from voisins.sharing import services
from voisins.sharing.models import Adoption, Material, MaterialVersion
from voisins.training.models import TrainingModule
from voisins.training.services import training_module_update
from voisins.volunteering.models import InformationNote
from voisins.volunteering.services import information_note_publish


@pytest.fixture
def network(north, south, alice, charlie):
    """A network coordinated by Nadia (no role in any programme), with Alice as second
    coordinator; north and south are members."""
    nadia = make_user("nadia@example.org", first_name="Nadia")
    network = networks.network_create(name="Réseau Voisins", by=nadia)
    networks.network_staff_set(network=network, user=alice, role=NetworkRole.COORDINATOR)
    networks.member_join(network=network, programme=north, by=alice)
    networks.member_join(network=network, programme=south, by=charlie)
    network.nadia = nadia
    return network


def _as(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


MODULE = {"content-title": "Role and limits", "content-description": "What a volunteer "
          "does, what they do not.", "content-required": "on"}


def test_a_training_module_is_published_adopted_and_updated_through_the_pages(
        client, network, north, south, alice, charlie):
    nadia = network.nadia
    _as(client, nadia)
    new = reverse("sharing:material_new", kwargs={"slug": network.slug,
                                                  "kind": "training_module"})
    assert client.post(new, MODULE).status_code == 302
    material = Material.objects.get()
    assert material.versions.get().content == {
        "title": "Role and limits", "description": "What a volunteer does, what they do not.",
        "required": True}

    # Charlie (south) adopts it: a training module of south, like any it wrote.
    _as(client, charlie)
    page = reverse("sharing:programme", kwargs={"slug": "south"})
    assert b"Role and limits" in client.get(page).content
    response = client.post(reverse("sharing:adopt", kwargs={"slug": "south"}),
                           {"material": material.pk}, follow=True)
    assert b"Adopted" in response.content
    copy = TrainingModule.objects.get(programme=south, title="Role and limits")
    assert copy.required and copy.description.startswith("What a volunteer")
    adoption = Adoption.objects.get(programme=south)
    assert (adoption.copy_kind, adoption.copy_id, adoption.version.number) == (
        "training_module", copy.pk, 1)
    assert b"up to date" in client.get(page).content

    # South adapts its copy, then the network publishes version 2.
    training_module_update(module=copy, description="Our own words.")
    _as(client, nadia)
    detail = reverse("sharing:material", kwargs={"slug": network.slug, "pk": material.pk})
    response = client.post(detail, {**MODULE, "content-description": "Version two.",
                                    "change-what_changed": "Shorter"})
    assert response.status_code == 302
    assert material.versions.count() == 2

    _as(client, charlie)
    assert b"An update is offered: version 2" in client.get(page).content
    adoption_url = reverse("sharing:adoption", kwargs={"slug": "south", "pk": adoption.pk})
    shown = client.get(adoption_url).content.decode()
    assert "Our own words." in shown and "Version two." in shown
    assert "taking the update overwrites it" in shown
    offered = material.versions.get(number=2)
    assert client.post(adoption_url, {"decision": "accept",
                                      "version": offered.pk}).status_code == 302
    copy.refresh_from_db()
    assert copy.description == "Version two."
    adoption.refresh_from_db()
    assert adoption.version == offered and adoption.copy_id == copy.pk
    assert b"up to date" in client.get(page).content


def test_keeping_its_own_is_recorded_and_not_offered_again_until_the_next_version(
        client, network, south, charlie):
    material = services.material_publish(network=network, kind="training_module",
                                         by=network.nadia, content={
                                             "title": "Welcome", "description": "",
                                             "required": False})
    adoption = services.adoption_create(material=material, programme=south, by=charlie)
    v2 = services.material_version_publish(material=material, by=network.nadia, content={
        "title": "Welcome", "description": "Two", "required": False})
    _as(client, charlie)
    url = reverse("sharing:adoption", kwargs={"slug": "south", "pk": adoption.pk})
    assert client.post(url, {"decision": "keep", "version": v2.pk}).status_code == 302
    adoption.refresh_from_db()
    assert adoption.kept_version == v2 and adoption.version.number == 1
    page = client.get(reverse("sharing:programme", kwargs={"slug": "south"})).content
    assert b"An update is offered" not in page and b"Own copy kept (version 2" in page
    assert TrainingModule.objects.get(programme=south, title="Welcome").description == ""
    services.material_version_publish(material=material, by=network.nadia, content={
        "title": "Welcome", "description": "Three", "required": False})
    page = client.get(reverse("sharing:programme", kwargs={"slug": "south"})).content
    assert b"An update is offered: version 3" in page


def test_the_information_note_is_adopted_and_updated_as_a_new_version_of_the_programme(
        client, network, north, south, alice, charlie):
    note = information_note_publish(programme=north, legal_status="asbl",
                                    organisation_name="Voisins du Nord", aim="Entraide",
                                    expenses_regime="none", by=alice)
    _as(client, alice)
    url = reverse("sharing:network", kwargs={"slug": network.slug})
    page = client.get(url).content.decode()
    assert f"information_note:{north.pk}:{note.pk}" in page
    # Alice coordinates north, not south: south's items are not offered to her.
    assert f":{south.pk}:" not in page
    assert client.post(url, {"from-item": f"information_note:{north.pk}:{note.pk}"}
                       ).status_code == 302
    material = Material.objects.get(kind="information_note")
    content = material.versions.get().content
    assert set(content["texts"]) == {code for code, _name in settings.LANGUAGES}
    assert content["aim"] == "Entraide"

    _as(client, charlie)
    client.post(reverse("sharing:adopt", kwargs={"slug": "south"}), {"material": material.pk})
    copy = InformationNote.objects.get(programme=south)
    assert (copy.version, copy.aim, copy.organisation_name) == (1, "Entraide",
                                                                "Voisins du Nord")
    adoption = Adoption.objects.get(programme=south)

    # North publishes a new version of its note, and Alice publishes it to the network
    # again: it is the material's version 2 (one lineage per programme), its texts
    # written in every language.
    information_note_publish(programme=north, legal_status="asbl",
                             organisation_name="Voisins du Nord", aim="Entraide de voisins",
                             expenses_regime="none", by=alice)
    newest = north.information_notes.order_by("-version").first()
    _as(client, alice)
    page = client.get(url).content.decode()
    assert f"information_note:{north.pk}:{note.pk}" not in page  # only the newest
    assert client.post(url, {"from-item": f"information_note:{north.pk}:{newest.pk}"}
                       ).status_code == 302
    assert Material.objects.filter(kind="information_note").count() == 1
    version2 = material.versions.get(number=2)
    assert version2.content["aim"] == "Entraide de voisins"
    assert set(version2.content["texts"]) == set(content["texts"])

    # The network's coordinator may also write the next version in the note's form.
    detail = reverse("sharing:material", kwargs={"slug": network.slug, "pk": material.pk})
    form = {f"content-{name}": value for name, value in version2.content.items()
            if name != "texts" and value not in (False, None)}
    assert client.post(detail, {**form, "content-contact": "02 123 45 67",
                                "content-discretion": "on"}).status_code == 302
    assert material.versions.get(number=3).content["contact"] == "02 123 45 67"
    _as(client, charlie)
    offered = material.versions.get(number=3)
    adoption_url = reverse("sharing:adoption", kwargs={"slug": "south", "pk": adoption.pk})
    assert b"publishes a new version in the programme" in client.get(adoption_url).content
    client.post(adoption_url, {"decision": "accept", "version": offered.pk})
    notes = list(InformationNote.objects.filter(programme=south).order_by("version"))
    assert [(n.version, n.aim, n.contact) for n in notes] == [
        (1, "Entraide", ""), (2, "Entraide de voisins", "02 123 45 67")]
    adoption.refresh_from_db()
    assert adoption.copy_id == notes[1].pk and adoption.version == offered


def test_a_message_template_is_adopted_and_updated_in_every_language(
        client, network, north, south, alice, charlie):
    _as(client, network.nadia)
    new = reverse("sharing:material_new", kwargs={"slug": network.slug,
                                                  "kind": "message_template"})
    response = client.post(new, {"content-name": "Welcome", "content-purpose": "news",
                                 "content-text_fr": "Bonjour {first_name} : {link}",
                                 "content-text_ar": "مرحبا {first_name}"})
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.versions.get().content["texts"] == {
        "fr": "Bonjour {first_name} : {link}", "ar": "مرحبا {first_name}"}

    _as(client, alice)
    client.post(reverse("sharing:adopt", kwargs={"slug": "north"}), {"material": material.pk})
    copy = MessageTemplate.objects.get(programme=north)
    assert copy.texts == {"fr": "Bonjour {first_name} : {link}", "ar": "مرحبا {first_name}"}
    message_template_save(programme=north, template=copy, name="Welcome",
                          texts={**copy.texts, "fr": "Salut {first_name}"})

    _as(client, network.nadia)
    detail = reverse("sharing:material", kwargs={"slug": network.slug, "pk": material.pk})
    client.post(detail, {"content-name": "Welcome", "content-purpose": "news",
                         "content-text_fr": "Bonjour {first_name}, voici {link}",
                         "content-text_ar": "مرحبا {first_name}",
                         "content-text_uk": "Привіт {first_name}"})
    _as(client, alice)
    adoption = Adoption.objects.get(programme=north)
    url = reverse("sharing:adoption", kwargs={"slug": "north", "pk": adoption.pk})
    shown = client.get(url).content.decode()
    assert "Salut {first_name}" in shown and "taking the update overwrites it" in shown
    client.post(url, {"decision": "accept", "version": material.versions.get(number=2).pk})
    copy.refresh_from_db()
    assert copy.texts == {"fr": "Bonjour {first_name}, voici {link}",
                          "ar": "مرحبا {first_name}", "uk": "Привіт {first_name}"}


# --- refusals, each naming its field ---------------------------------------------------------

@pytest.fixture
def module_material(network):
    return services.material_publish(network=network, kind="training_module",
                                     by=network.nadia, content={
                                         "title": "Welcome", "description": "",
                                         "required": False})


def test_adopting_twice_is_refused_naming_the_material(client, module_material, south,
                                                       charlie):
    services.adoption_create(material=module_material, programme=south, by=charlie)
    _as(client, charlie)
    response = client.post(reverse("sharing:adopt", kwargs={"slug": "south"}),
                           {"material": module_material.pk}, follow=True)
    assert b"Material: The programme has adopted this material already" in response.content
    assert TrainingModule.objects.filter(programme=south).count() == 1


def test_adopting_from_a_network_the_programme_left_is_refused(client, network,
                                                               module_material, south,
                                                               charlie):
    networks.member_leave(member=network.members.get(programme=south))
    _as(client, charlie)
    page = client.get(reverse("sharing:programme", kwargs={"slug": "south"})).content
    assert b"Welcome" not in page
    response = client.post(reverse("sharing:adopt", kwargs={"slug": "south"}),
                           {"material": module_material.pk}, follow=True)
    assert b"Material: The programme is not a member of this network" in response.content
    assert not Adoption.objects.exists() and not TrainingModule.objects.filter(
        programme=south).exists()


def test_accepting_an_update_that_does_not_exist_is_refused_naming_it(
        client, module_material, south, charlie):
    adoption = services.adoption_create(material=module_material, programme=south,
                                        by=charlie)
    _as(client, charlie)
    url = reverse("sharing:adoption", kwargs={"slug": "south", "pk": adoption.pk})
    for version in (adoption.version.pk, "999999", "x", ""):
        response = client.post(url, {"decision": "accept", "version": version}, follow=True)
        assert b"Update: This update is not offered" in response.content
    adoption.refresh_from_db()
    assert adoption.version.number == 1


def test_a_copy_the_owning_app_refuses_writes_nothing(module_material, south, charlie):
    from django.core.exceptions import ValidationError

    from voisins.training.services import training_module_create

    training_module_create(programme=south, title="Welcome")
    with pytest.raises(ValidationError) as refused:
        services.adoption_create(material=module_material, programme=south, by=charlie)
    assert "title" in refused.value.message_dict
    assert not Adoption.objects.exists()


def test_a_version_that_changes_nothing_is_refused(module_material, network):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.material_version_publish(material=module_material, by=network.nadia,
                                          content={"title": "Welcome", "description": "",
                                                   "required": False})
    assert "content" in refused.value.message_dict
    assert MaterialVersion.objects.count() == 1


# --- who reaches what ------------------------------------------------------------------------

def test_a_network_role_never_reaches_a_programmes_copies(client, network, module_material,
                                                         south, charlie):
    adoption = services.adoption_create(material=module_material, programme=south,
                                        by=charlie)
    viewer = make_user("victoria@example.org")
    networks.network_staff_set(network=network, user=viewer, role=NetworkRole.VIEWER)
    for user in (network.nadia, viewer):
        _as(client, user)
        assert client.get(reverse("sharing:network", kwargs={"slug": network.slug})
                          ).status_code == 200
        assert client.get(reverse("sharing:programme", kwargs={"slug": "south"})
                          ).status_code == 404
        assert client.get(reverse("sharing:adoption", kwargs={
            "slug": "south", "pk": adoption.pk})).status_code == 404
        assert client.post(reverse("sharing:adopt", kwargs={"slug": "south"}),
                           {"material": module_material.pk}).status_code == 404
    # A viewer reads the materials and publishes nothing.
    _as(client, viewer)
    url = reverse("sharing:material", kwargs={"slug": network.slug,
                                              "pk": module_material.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, MODULE).status_code == 404
    assert client.get(reverse("sharing:material_new", kwargs={
        "slug": network.slug, "kind": "training_module"})).status_code == 404


def test_a_programme_sees_only_its_networks_materials(client, network, module_material,
                                                      alice):
    other = networks.network_create(name="Autre réseau", by=network.nadia)
    services.material_publish(network=other, kind="training_module", by=network.nadia,
                              content={"title": "Elsewhere", "description": "",
                                       "required": False})
    _as(client, alice)
    page = client.get(reverse("sharing:programme", kwargs={"slug": "north"})).content
    assert b"Welcome" in page and b"Elsewhere" not in page


def test_an_adoption_of_nothing_or_of_another_networks_material_names_the_field(
        client, network, alice):
    other = networks.network_create(name="Autre réseau", by=network.nadia)
    elsewhere = services.material_publish(network=other, kind="training_module",
                                          by=network.nadia, content={
                                              "title": "Elsewhere", "description": "",
                                              "required": False})
    _as(client, alice)
    url = reverse("sharing:adopt", kwargs={"slug": "north"})
    for sent in ({}, {"material": "x"}, {"material": "9" * 30}, {"material": elsewhere.pk}):
        response = client.post(url, sent, follow=True)
        assert b"Material: Choose a material of the programme&#x27;s networks" in \
            response.content, sent
    assert not Adoption.objects.exists()


def test_an_adopted_message_template_starts_a_group_message(client, network, north, alice):
    material = services.material_publish(network=network, kind="message_template",
                                         by=network.nadia, content={
                                             "name": "Pique-nique", "purpose": "news",
                                             "texts": {"fr": "Bonjour {first_name} !"}})
    services.adoption_create(material=material, programme=north, by=alice)
    template = MessageTemplate.objects.get(programme=north)
    _as(client, alice)
    url = reverse("staff:group_message_new", kwargs={"slug": "north"})
    assert b"Pique-nique" in client.get(url).content
    page = client.get(f"{url}?template={template.pk}").content.decode()
    assert "Bonjour {first_name} !</textarea>" in page
    assert client.get(f"{url}?template=nope").status_code == 200
