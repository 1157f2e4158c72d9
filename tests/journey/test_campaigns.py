"""Coordinators create campaigns and get a tracked link with a QR code (PNG and SVG)."""

import io

import pytest

from voisins.recruitment.models import Campaign


@pytest.fixture
def campaign(client, alice):
    client.force_login(alice)
    response = client.post("/recruitment/north/campaigns/",
                           {"name": "Press release May", "channel": "press"})
    assert response.status_code == 302
    return Campaign.objects.get()


def test_it_creates_a_campaign_with_a_tracked_link(client, campaign):
    html = client.get(f"/recruitment/north/campaigns/{campaign.pk}/").content.decode()
    assert f"http://testserver/p/north/c/{campaign.code}/" in html


def test_the_qr_codes_encode_the_tracked_link(client, campaign):
    png = client.get(f"/recruitment/north/campaigns/{campaign.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = client.get(f"/recruitment/north/campaigns/{campaign.pk}/qr.svg?download=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert "attachment" in svg["Content-Disposition"]
    assert client.get(f"/recruitment/north/campaigns/{campaign.pk}/qr.gif").status_code == 404
    # The PNG decodes back to the link (segno's own reader is not available; compare with
    # a freshly encoded code instead).
    import segno
    expected = io.BytesIO()
    segno.make(f"http://testserver/p/north/c/{campaign.code}/", error="m", micro=False).save(
        expected, kind="png", scale=10, border=4)
    assert png.content == expected.getvalue()


def test_a_bad_channel_or_duplicate_name_is_refused_naming_the_field(client, campaign):
    response = client.post("/recruitment/north/campaigns/", {"name": "X", "channel": "tv"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "channel" in response.context["form"].errors
    response = client.post("/recruitment/north/campaigns/",
                           {"name": "Press release May", "channel": "press"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Campaign.objects.count() == 1


def test_another_programmes_coordinator_sees_nothing(client, charlie, alice, north):
    from voisins.recruitment.services import campaign_create
    campaign = campaign_create(programme=north, name="c", channel="press")
    client.force_login(charlie)
    for url in ["/recruitment/north/", "/recruitment/north/campaigns/",
                f"/recruitment/north/campaigns/{campaign.pk}/",
                f"/recruitment/north/campaigns/{campaign.pk}/qr.png",
                "/recruitment/north/funnel.svg", "/recruitment/north/news/",
                "/recruitment/north/charter/", "/recruitment/north/public/fr/",
                f"/recruitment/south/campaigns/{campaign.pk}/"]:
        assert client.get(url).status_code == 404, url
