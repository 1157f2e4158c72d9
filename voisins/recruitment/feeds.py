"""The programme's news as Atom and RSS feeds, one per language (?lang=fr|nl|en)."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from voisins.programmes.models import Programme

from . import selectors
from .models import NewsPost


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(  # type: ignore[override]
            self, request: HttpRequest, slug: str) -> Programme:
        # The feed object is shared by all requests: the language lives in the active
        # translation (Feed passes get_language() to the generator), never on self.
        translation.activate(selectors.public_language(request.GET.get("lang"),
                                                       translation.get_language()))
        return get_object_or_404(Programme, slug=slug)

    def title(self, obj: Programme) -> str:
        return _("%(programme)s – news") % {"programme": obj.name}

    def link(self, obj: Programme) -> str:
        language = translation.get_language()
        return reverse("recruitment:public", args=[obj.slug]) + f"?lang={language}"

    def description(self, obj: Programme) -> str:
        text = selectors.public_text(obj, translation.get_language())
        return text.tagline if text else obj.name

    subtitle = description

    def items(self, obj: Programme):
        return selectors.news_posts(obj, translation.get_language())[:30]

    def item_title(self, item: NewsPost) -> str:
        return item.title

    def item_description(self, item: NewsPost) -> str:
        return item.summary or item.body[:500]

    def item_link(self, item: NewsPost) -> str:
        return (reverse("recruitment:public_news", args=[item.programme.slug, item.pk])
                + f"?lang={item.language}")

    def item_pubdate(self, item: NewsPost):
        return item.published_at

    def item_updateddate(self, item: NewsPost):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: NewsPost) -> str:
        return item.programme.name


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
