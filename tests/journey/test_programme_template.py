"""Start a new programme without a developer: from the built-in template or from a
programme one coordinates; the way of working is copied, households never."""

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.privacy.models import PrivacyNotice
from voisins.programmes.models import Programme
from voisins.recruitment import services as recruitment
from voisins.training import services as training


def create(client, **overrides):
    data = {"name": "Voisins Liège", "slug": "liege", "country": "BE",
            "languages": "fr, en", "template": "builtin", **overrides}
    return client.post("/programmes/new/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_from_the_builtin_template(client, alice):
    client.force_login(alice)
    assert client.get("/programmes/new/").status_code == 200
    response = create(client)
    assert response.status_code == 302 and response["Location"] == "/staff/liege/"
    liege = Programme.objects.get(slug="liege")
    assert liege.service_categories.count() == 9
    assert liege.training_modules.count() == 4
    assert liege.training_modules.filter(required=True).count() == 3
    assert liege.charters.get().version == "1"
    assert PrivacyNotice.objects.get(programme=liege).version == "1"
    assert set(liege.public_texts.values_list("language", flat=True)) == {"fr", "en"}
    assert liege.memberships.get().user == alice
    assert client.get("/staff/liege/").status_code == 200


def test_from_an_existing_programme_copies_its_way_of_working_not_its_households(
        client, alice, north, family, volunteer):
    north.checkin_schedule_days = [7, 30, 90]
    north.save()
    north.service_categories.filter(code="transport").update(active=False)
    north.service_categories.create(code="gardening", name="Gardening", position=20)
    training.training_module_create(programme=north, title="Our own module", required=True)
    recruitment.charter_publish(programme=north, version="3", text="Our charter")
    PrivacyNotice.objects.create(programme=north, version="v2", text="Our notice")
    recruitment.public_text_save(programme=north, language="nl", tagline="Buren",
                                 about="a", how_to_join="b", how_to_refer="c")
    recruitment.news_post_create(programme=north, author=alice, language="fr", title="n",
                                 body="b")
    client.force_login(alice)
    assert create(client, template="north").status_code == 302
    liege = Programme.objects.get(slug="liege")
    assert liege.checkin_schedule_days == [7, 30, 90]
    codes = dict(liege.service_categories.values_list("code", "active"))
    assert codes["gardening"] is True and codes["transport"] is False
    assert liege.service_categories.get(code="gardening").name == "Gardening"
    assert list(liege.training_modules.values_list("title", "required")) == [
        ("Our own module", True)]
    assert liege.charters.get().text == "Our charter"
    assert PrivacyNotice.objects.get(programme=liege).text == "Our notice"
    assert liege.public_texts.get(language="nl").tagline == "Buren"
    assert not liege.news_posts.exists()
    assert not FamilyHousehold.objects.filter(programme=liege).exists()
    assert not VolunteerHousehold.objects.filter(programme=liege).exists()


def test_a_programme_one_does_not_coordinate_cannot_be_the_template(client, charlie, north):
    client.force_login(charlie)
    response = create(client, template="north")
    assert response.status_code == 200 and "template" in response.context["form"].errors
    assert not Programme.objects.filter(slug="liege").exists()


def test_bad_input_names_the_field_and_writes_nothing(client, alice, north):
    client.force_login(alice)
    response = create(client, slug="north")
    assert "slug" in response.context["form"].errors
    response = create(client, country="XX")
    assert "country" in response.context["form"].errors
    response = create(client, languages="french!")
    assert "languages" in response.context["form"].errors
    assert Programme.objects.count() == 1


def test_people_who_coordinate_nothing_cannot_start_a_programme(client, rita, bob):
    for user in (rita, bob):
        client.force_login(user)
        assert client.get("/programmes/new/").status_code == 404


def test_the_builtin_template_fills_only_what_a_programme_lacks(north):
    from voisins.blueprints.services import programme_apply_builtin_template
    from voisins.recruitment.services import charter_publish
    charter_publish(programme=north, version="own", text="Our own charter")
    programme_apply_builtin_template(programme=north)
    assert north.charters.get().version == "own"
    assert north.training_modules.count() == 4
    assert set(north.public_texts.values_list("language", flat=True)) == {"fr", "nl", "en"}
    programme_apply_builtin_template(programme=north)
    assert north.training_modules.count() == 4
