"""Who reaches which staff page: coordinators their own programme, nobody another's."""

import pytest

from voisins import access


@pytest.fixture
def pages(north, family, volunteer):
    return [
        "/staff/north/families/",
        f"/staff/north/families/{family.pk}/",
        "/staff/north/volunteers/",
        f"/staff/north/volunteers/{volunteer.pk}/",
        "/staff/north/import/",
    ]


def test_a_coordinator_reaches_every_page_of_their_programme(client, alice, pages):
    client.force_login(alice)
    for url in pages + ["/staff/north/"]:
        assert client.get(url).status_code == 200, url


def test_a_coordinator_of_another_programme_gets_404_everywhere(client, charlie, pages):
    client.force_login(charlie)
    for url in pages + ["/staff/north/"]:
        assert client.get(url).status_code == 404, url


def test_a_family_of_another_programme_is_404_even_under_ones_own_slug(
    client, charlie, family
):
    client.force_login(charlie)
    assert client.get(f"/staff/south/families/{family.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["bob", "rita", "vera"])
def test_other_roles_do_not_see_household_pages(client, request, pages, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in pages:
        assert client.get(url).status_code == 404, url


def test_a_viewer_sees_aggregate_figures_only(client, vera, family):
    client.force_login(vera)
    response = client.get("/staff/north/")
    assert response.status_code == 200
    assert "Haddad" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_coordinator_cannot_change_status_in_another_programme(client, charlie, family):
    client.force_login(charlie)
    response = client.post(f"/staff/north/families/{family.pk}/status/", {"status": "ended"})
    assert response.status_code == 404
    family.refresh_from_db()
    assert family.status == "waiting"


def test_the_admin_shows_a_staff_coordinator_only_their_programme(
    client, charlie, family, south_family
):
    from django.contrib.auth.models import Permission

    charlie.is_staff = True
    charlie.save()
    charlie.user_permissions.set(Permission.objects.filter(
        codename__in=["view_familyhousehold", "change_familyhousehold"]))
    client.force_login(charlie)
    listing = client.get("/admin/households/familyhousehold/")
    assert listing.status_code == 200
    assert "Olena" in listing.content.decode()
    assert "Amina" not in listing.content.decode()
    # A record of another programme is reported as missing, not forbidden.
    detail = client.get(f"/admin/households/familyhousehold/{family.pk}/change/")
    assert detail.status_code in (302, 404)
    if detail.status_code == 302:
        assert "/admin/" in detail["Location"] and str(family.pk) not in detail["Location"]


def test_the_access_module_decides_per_role(alice, bob, rita, vera, charlie, north):
    assert access.can(alice, "view_households", north)
    assert not access.can(bob, "view_households", north)
    assert access.can(rita, "view_referrals", north)
    assert access.can(vera, "view_aggregates", north)
    assert not access.can(vera, "view_contact_details", north)
    assert not access.can(charlie, "view_aggregates", north)


def test_an_inactive_coordinator_has_no_role(alice, north):
    alice.is_active = False
    assert access.role_in(alice, north) is None


@pytest.mark.parametrize("query", [
    "?page=999999", "?page=-1", "?page=abc", "?sort=;drop", "?status=<script>",
    "?q=" + "x" * 5000, "?q=%00", "?q=محمد",
])
def test_lists_never_fail_on_odd_parameters(client, alice, family, query):
    client.force_login(alice)
    assert client.get("/staff/north/families/" + query).status_code == 200


def test_search_finds_a_family_by_name_postcode_and_phone(client, alice, family):
    family.phone = "+32 470 12 34 56"
    family.full_clean()
    family.save()
    assert family.phone == "+32470123456"
    client.force_login(alice)
    for q in ["Hadd", "1030", "3456"]:
        assert "Haddad" in client.get("/staff/north/families/", {"q": q}).content.decode(), q
    assert "Haddad" not in client.get("/staff/north/families/", {"q": "Zzz"}).content.decode()


def test_the_list_answers_htmx_with_just_the_rows(client, alice, family):
    client.force_login(alice)
    response = client.get("/staff/north/families/", {"q": "Hadd"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Haddad" in body and "<html" not in body


@pytest.mark.parametrize("persona", ["alice", "bob", "rita", "vera", "charlie"])
def test_each_role_lands_on_a_page_it_may_open(client, request, persona):
    """After logging in, nobody is sent to a page that answers "not found"."""
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/staff/", follow=True)
    assert response.status_code == 200, response.redirect_chain


@pytest.mark.parametrize("persona, found", [
    ("alice", {"Amina"}), ("charlie", {"Olena"}),
    ("bob", set()), ("rita", set()), ("vera", set()), ("volunteer_user", set()),
])
def test_search_finds_only_households_one_may_see(client, request, family, south_family,
                                                   persona, found):
    client.force_login(request.getfixturevalue(persona))
    body = client.get("/search/", {"q": "Haddad"}).content.decode()
    assert {name for name in ("Amina", "Olena") if name in body} == found


def test_someone_in_two_programmes_gets_a_link_each_that_opens(client, north, south):
    import re

    from voisins.programmes.services import membership_grant

    from .conftest import make_user

    user = make_user("mo@example.org")
    membership_grant(user=user, programme=north, role="mediator")
    membership_grant(user=user, programme=south, role="referrer")
    client.force_login(user)
    html = client.get("/staff/").content.decode()
    links = re.findall(r'<li class="card"><a href="([^"]+)"', html)
    assert links == ["/staff/north/matches/", "/recruitment/south/referrals/"]
    for url in links:
        assert client.get(url).status_code == 200, url


def test_an_inactive_coordinator_reaches_no_programme(alice, north, family):
    from voisins.households.models import FamilyHousehold

    alice.is_active = False
    assert not access.programmes_for(alice).exists()
    assert not access.scoped(FamilyHousehold.objects.all(), alice, "view_households").exists()


def test_a_programme_is_found_by_slug_only_among_ones_own_and_for_the_action(
        alice, vera, charlie, north, south):
    from django.http import Http404

    assert access.programme_or_404(alice, "north", "view_households") == north
    assert [p.slug for p in access.programmes_of(alice)] == ["north"]
    for user, slug, action in [(charlie, "north", "view_aggregates"),      # another's
                               (vera, "north", "view_households"),         # not allowed
                               (alice, "nowhere", "view_households")]:     # none such
        with pytest.raises(Http404):
            access.programme_or_404(user, slug, action)
    alice.is_active = False
    assert access.programmes_of(alice) == []
    with pytest.raises(Http404):
        access.programme_or_404(alice, "north", "view_households")


def test_a_staff_page_reads_the_users_programmes_and_roles_in_one_query(client, alice, north):
    """The programme of the URL, the roles for each check and the shell's programmes all
    come from one read of the memberships (the navigation's counts are kept meanwhile)."""
    from django.db import connection

    client.force_login(alice)
    assert client.get("/staff/north/families/").status_code == 200  # counts now kept
    sql = []

    def record(execute, query, params, many, context):
        sql.append(query)
        return execute(query, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get("/staff/north/families/").status_code == 200
    memberships = [q for q in sql if q.startswith('SELECT "programmes_membership".')]
    programmes = [q for q in sql if q.startswith('SELECT "programmes_programme".')]
    assert len(memberships) == 1 and programmes == [], (memberships, programmes)
