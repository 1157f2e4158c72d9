"""The journey's pages are reachable from the staff pages, by role; a volunteer who logs in
lands on their own page."""

from ..conftest import make_user


def test_a_coordinator_sees_every_link(client, alice, north):
    client.force_login(alice)
    html = client.get("/staff/north/").content.decode()
    for url in ["/recruitment/north/", "/training/north/", "/community/north/events/",
                "/community/north/resources/", "/recruitment/north/referrals/",
                "/p/north/", "/programmes/new/"]:
        assert f'href="{url}"' in html, url


def test_a_viewer_sees_the_funnel_only(client, vera, north):
    client.force_login(vera)
    html = client.get("/staff/north/").content.decode()
    assert 'href="/recruitment/north/"' in html
    for url in ["/training/north/", "/community/north/events/", "/programmes/new/",
                "/recruitment/north/referrals/"]:
        assert f'href="{url}"' not in html, url


def test_the_volunteer_page_links_to_screening(client, alice, volunteer):
    client.force_login(alice)
    html = client.get(f"/staff/north/volunteers/{volunteer.pk}/").content.decode()
    assert f'/recruitment/north/volunteers/{volunteer.pk}/screening/' in html


def test_a_volunteer_lands_on_the_portal(client, volunteer):
    volunteer.user = make_user("marie@example.org")
    volunteer.save()
    client.force_login(volunteer.user)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/volunteer/"
