"""The staff lists' sort (django-filter): by the chosen column, then by id."""

import django_filters
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext


def _descending_now(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


_descending = lazy(_descending_now, str)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by id, so that pages never repeat or skip a row.
    Without a choice, by `default` (newest first unless told)."""

    def __init__(self, *args, default: tuple[str, ...] = ("-created_at", "-id"),
                 **kwargs) -> None:
        self.default = default
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        # django-filter formats "%s (descending)" once, when the filter set's class is
        # defined (at import, in whatever language was active then): every page showed
        # "(décroissant)". Each label is made lazy here, formatted in the reader's language.
        choices = super().build_choices(fields, labels)
        ascending = dict(choices[0::2])
        return [(param, label if not param.startswith("-")
                 else _descending(ascending.get(param[1:], param[1:])))
                for param, label in choices]

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs.order_by(*self.default)
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering[0].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)
