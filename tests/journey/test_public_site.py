"""The public page of a programme: three languages, Open Graph and Twitter card tags."""

import re

import feedparser
import pytest

from voisins.recruitment import services


@pytest.fixture
def texts(north):
    for lang, tagline in [("fr", "Des voisins pour les familles"),
                          ("nl", "Buren voor gezinnen"), ("en", "Neighbours for families")]:
        services.public_text_save(programme=north, language=lang, tagline=tagline,
                                  about=f"about-{lang}", how_to_join=f"join-{lang}",
                                  how_to_refer=f"refer-{lang}")


def meta(html: str, key: str) -> list[str]:
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"'
    return re.findall(pattern, html)


@pytest.mark.parametrize("lang,locale,tagline,html_lang", [
    ("fr", "fr_BE", "Des voisins pour les familles", "fr"),
    ("nl", "nl_BE", "Buren voor gezinnen", "nl"),
    ("en", "en_GB", "Neighbours for families", "en"),
])
def test_it_renders_in_three_languages_with_share_tags(client, texts, lang, locale, tagline,
                                                        html_lang):
    response = client.get(f"/p/north/?lang={lang}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{html_lang}"' in html
    assert f"about-{lang}" in html and f"join-{lang}" in html and f"refer-{lang}" in html
    assert meta(html, "og:title") == ["Voisins Nord"]
    assert meta(html, "og:description") == [tagline]
    assert meta(html, "og:locale") == [locale]
    assert len(meta(html, "og:locale:alternate")) == 2
    assert meta(html, "og:url") == [f"http://testserver/p/north/?lang={lang}"]
    assert meta(html, "og:image")[0].startswith("http://testserver/p/north/share.png")
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:title") == ["Voisins Nord"]
    assert meta(html, "twitter:description") == [tagline]


def test_it_follows_the_visitors_language_without_a_parameter(client, texts):
    html = client.get("/p/north/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert meta(html, "og:locale") == ["nl_BE"] and "about-nl" in html


def test_a_language_without_text_falls_back_to_french(client, north):
    services.public_text_save(programme=north, language="fr", tagline="t", about="about-fr",
                              how_to_join="j", how_to_refer="r")
    assert "about-fr" in client.get("/p/north/?lang=en").content.decode()


def test_the_share_image_is_a_png(client, texts):
    response = client.get("/p/north/share.png?lang=nl")
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_programme_is_404(client, db):
    assert client.get("/p/nowhere/").status_code == 404


def test_news_posts_show_on_the_page_and_in_valid_feeds(client, north, alice, texts):
    services.news_post_create(programme=north, author=alice, language="fr",
                              title="Repas partagé", body="Samedi, repas.")
    services.news_post_create(programme=north, author=alice, language="nl",
                              title="Gedeelde maaltijd", body="Zaterdag.")
    assert "Repas partagé" in client.get("/p/north/?lang=fr").content.decode()
    atom = feedparser.parse(client.get("/p/north/news/feed/?lang=fr").content)
    assert not atom.bozo, atom.bozo_exception
    assert atom.version == "atom10"
    assert [e.title for e in atom.entries] == ["Repas partagé"]
    assert atom.entries[0].link.startswith("http://testserver/p/north/news/")
    rss = feedparser.parse(client.get("/p/north/news/rss/?lang=nl").content)
    assert not rss.bozo and rss.version == "rss20"
    assert [e.title for e in rss.entries] == ["Gedeelde maaltijd"]
    post_url = atom.entries[0].link.replace("http://testserver", "")
    html = client.get(post_url).content.decode()
    assert meta(html, "og:type") == ["article"] and meta(html, "og:title") == ["Repas partagé"]


def test_a_news_post_of_another_programme_is_404(client, north, south, alice):
    post = services.news_post_create(programme=north, author=alice, language="fr",
                                     title="x", body="y")
    assert client.get(f"/p/south/news/{post.pk}/").status_code == 404


def test_the_referral_button_shows_to_those_who_may_refer_and_visitors_only(
        client, texts, rita, alice, victor):
    from django.urls import reverse

    form = reverse("recruitment:referral_new", args=["north"])
    page = reverse("recruitment:public", args=["north"])
    # A visitor is sent to log in by the form; a referrer and a coordinator reach it.
    assert f'href="{form}"' in client.get(page, {"lang": "en"}).content.decode()
    for user in (rita, alice):
        client.force_login(user)
        assert f'href="{form}"' in client.get(page, {"lang": "en"}).content.decode()
        assert client.get(form).status_code == 200
    # A volunteer household logged in would find no page there: it is told who refers.
    client.force_login(victor.user)
    html = client.get(page, {"lang": "en"}).content.decode()
    assert f'href="{form}"' not in html
    assert "Families are referred by the programme's partners" in html
    assert 'href="#how-to-refer"' in html and 'id="how-to-refer"' in html
