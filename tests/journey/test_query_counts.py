"""The public page and the funnel cost a fixed number of queries, whatever the data."""

from voisins.recruitment import services

from .test_funnel import signed_up


def test_the_public_page_does_not_grow_with_news(client, north, alice,
                                                  django_assert_max_num_queries):
    services.public_text_save(programme=north, language="fr", tagline="t", about="a",
                              how_to_join="j", how_to_refer="r")
    for i in range(10):
        services.news_post_create(programme=north, author=alice, language="fr",
                                  title=f"post {i}", body="b")
    with django_assert_max_num_queries(6):
        assert client.get("/p/north/?lang=fr").status_code == 200


def test_the_funnel_does_not_grow_with_households(north, django_assert_num_queries):
    from voisins.recruitment.selectors import funnel
    campaign = services.campaign_create(programme=north, name="c", channel="press")
    for i in range(8):
        signed_up(north, campaign if i % 2 else None, f"q{i}@example.org")
        services.visit_record(programme=north, campaign=campaign)
    with django_assert_num_queries(4):
        rows = funnel(north)
    assert sum(r.counts.get("signed_up", 0) for r in rows) == 8
