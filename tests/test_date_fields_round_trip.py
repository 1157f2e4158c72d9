"""Every date and time field round-trips: rendered with a stored value, read back as a
browser would send it, it gives the same value (issue 14, item 5).

A browser shows an `<input type="date">` whose value is not ISO 8601 as empty, and sends
it back empty: a form saved as it was would erase the date.
"""

import copy
import importlib
import pkgutil
import re
from datetime import date, datetime, time, timedelta

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

import voisins

DATE = date(2026, 12, 21)
TIME = time(14, 30)

# What a browser keeps of an input's value: an invalid value of these types is dropped.
BROWSER_FORMATS = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "time": r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "month": r"\d{4}-\d{2}",
}
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def _every_form_class() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(voisins.__path__, "voisins."):
        name = module.name
        if any(part in name for part in (".migrations", ".management", "settings", "wsgi",
                                         "__main__", "manage")):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - optional modules (tests import the rest)
            continue
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("voisins.") and getattr(sub, "base_fields", None):
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _temporal_fields():
    for cls in _every_form_class():
        if cls.__module__.endswith((".importers", ".household_import")):
            continue  # they read spreadsheet cells, never render a page
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateTimeField | forms.DateField | forms.TimeField):
                yield pytest.param(cls, name, id=f"{cls.__module__}.{cls.__qualname__}.{name}")


def _value_for(field: forms.Field):
    if isinstance(field, forms.DateTimeField):
        return timezone.make_aware(datetime.combine(DATE, TIME))
    if isinstance(field, forms.DateField):
        # A month field (the network's periods) holds the first day of its month.
        return DATE.replace(day=1) if getattr(field.widget, "input_type", "") == "month" \
            else DATE
    return TIME


def _as_browser_sends(html: str) -> QueryDict:
    data = QueryDict(mutable=True)
    for tag in INPUT.findall(html):
        attrs = dict(ATTRIBUTE.findall(tag))
        value = attrs.get("value", "")
        pattern = BROWSER_FORMATS.get(attrs.get("type", "text"))
        if pattern and not re.fullmatch(pattern, value):
            value = ""
        data[attrs["name"]] = value
    return data


@pytest.mark.parametrize("language", ["fr", "nl", "en", "ar", "uk"])
@pytest.mark.parametrize(("form_class", "name"), list(_temporal_fields()))
def test_every_date_and_time_field_gives_back_its_value_unchanged(form_class, name, language):
    field = copy.deepcopy(form_class.base_fields[name])
    field.required = True
    value = _value_for(field)
    # The field as its form declares it (widget, formats), alone in a form of its own.
    single = type("Single", (forms.Form,), {name: field})
    with translation.override(language):
        html = str(single(initial={name: value})[name])
        bound = single(_as_browser_sends(html))
        assert bound.is_valid(), (html, bound.errors)
    assert bound.cleaned_data[name] == value, html


def test_the_date_widgets_render_iso_values_in_french():
    from voisins.widgets import DateInput, DateTimeInput

    with translation.override("fr"):
        day = DateInput().render("d", DATE)
        moment = DateTimeInput().render(
            "m", timezone.make_aware(datetime.combine(DATE, TIME)))
    assert 'type="date"' in day and 'value="2026-12-21"' in day
    assert 'type="datetime-local"' in moment and 'value="2026-12-21T14:30"' in moment


def test_saving_a_proposal_unchanged_keeps_its_answer_date(client, alice, sent_proposal):
    """The proposal form of issue 14 rendered `value="21/12/2026"`: saved again, the
    proposal lost its answer date."""
    expires = sent_proposal.expires_at
    client.force_login(alice)
    url = reverse("matches:proposal", args=["north", sent_proposal.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    form = page[page.index('name="expires_on"') - 200:]
    local_day = timezone.localdate(expires).isoformat()
    assert f'value="{local_day}"' in form[:400]
    response = client.post(url, {"note": sent_proposal.note, "expires_on": local_day},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    sent_proposal.refresh_from_db()
    assert sent_proposal.expires_at == expires


def test_a_new_answer_date_ends_at_the_end_of_that_day(client, alice, sent_proposal):
    client.force_login(alice)
    day = timezone.localdate() + timedelta(days=20)
    client.post(reverse("matches:proposal", args=["north", sent_proposal.pk]),
                {"note": "", "expires_on": day.isoformat()})
    sent_proposal.refresh_from_db()
    local = timezone.localtime(sent_proposal.expires_at)
    assert local.date() == day and (local.hour, local.minute) == (23, 59)
