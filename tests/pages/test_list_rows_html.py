"""The staff lists' rows written out in Python (workspace/templatetags/list_rows.py) are the
HTML the templates' loops wrote, character for character: the loops are kept here as they
were, and both are rendered from the same rows (names with markup in them, safe labels,
empty and missing values, every branch), in every language."""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _lazy
from hypothesis import given, settings
from hypothesis import strategies as st

# The loops as the templates had them before the tags (issue 16).
HOUSEHOLDS = """{% load workspace %}{% for h in page %}
    <tr>
      <td><a href="{{ h.url }}">{{ h.contact_first_name }} {{ h.contact_last_name }}</a></td>
      <td>{{ h.postcode }} {{ h.locality }}</td>
      <td>{{ h.language_names|badges }}</td>
      <td>{{ h.status_label }}</td>
      <td>{% if kind == "families" %}{{ h.waiting_since }}{% else %}{{ h.capacity }}{% endif %}</td>
    </tr>
  {% endfor %}"""
PROPOSALS = """{% for p in page %}<tr><td class="no-print">{% if p.status == "draft" %}<input type="checkbox" name="proposal" value="{{ p.pk }}" form="bulk-send" id="select-{{ p.pk }}" aria-label="{{ p.select_label }}">{% endif %}</td><td><a href="{{ p.url }}">{{ p.family }}</a></td><td>{{ p.volunteer }}</td><td>{{ p.distance }} km</td><td>{{ p.score }}</td><td>{{ p.status_label }}</td><td>{{ p.sent_on }}</td><td>{{ p.answer_before }}</td>{% if p.sent %}<td>{{ p.family_answer }}</td><td>{{ p.volunteer_answer }}</td>{% else %}<td>—</td><td>—</td>{% endif %}</tr>
{% endfor %}"""  # noqa: E501
MATCHES = """{% for m in page %}<tr><td><a href="{{ m.url }}">{{ m.family }}</a></td><td>{{ m.volunteer }}</td><td>{{ m.since }}</td><td>{{ m.status_label }}</td><td>{% if m.attention %}<strong>{{ m.attention }}</strong>{% endif %}</td></tr>
{% endfor %}"""  # noqa: E501
CHECKINS = """{% for c in page %}<tr><td><a href="{{ c.url }}">{{ c.family }} – {{ c.volunteer }}</a></td><td>{{ c.side_label }}</td><td>{{ c.due }}</td><td>{{ c.emailed }}</td></tr>
{% endfor %}"""  # noqa: E501
CASES = """{% load i18n %}{% translate "urgent" as urgent %}{% for c in page %}<tr><td><a href="{{ c.url }}">#{{ c.pk }}</a></td><td>{{ c.kind_label }}{% if c.is_safeguarding %} <strong class="badge">{{ urgent }}</strong>{% endif %}</td><td>{{ c.family_name|default:"" }}{% if c.volunteer_name %} – {{ c.volunteer_name }}{% endif %}</td><td>{{ c.opened }} ({{ c.opened_by_label }})</td><td>{{ c.mediator|default:"—" }}</td><td>{{ c.status_label }}</td></tr>
{% endfor %}"""  # noqa: E501
CALLBACKS = """{% load i18n %}{% translate "Who" as l_who %}{% translate "Phone" as l_phone %}{% translate "When to call" as l_when %}{% translate "Language" as l_language %}{% translate "Interpreter" as l_interpreter %}{% translate "Case" as l_case %}{% translate "volunteer household" as w_volunteer %}{% translate "family" as w_family %}{% translate "no phone number" as w_no_phone %}{% translate "interpreter needed" as w_interpreter %}{% translate "not needed" as w_not_needed %}{% for cb in callbacks %}<tr>
  <td data-label="{{ l_who }}"><bdi>{{ cb.first_name|default:"—" }}{% if contacts and cb.last_name %} {{ cb.last_name }}{% endif %}</bdi> <span class="helptext">({% if cb.household_kind == "volunteer" %}{{ w_volunteer }}{% else %}{{ w_family }}{% endif %})</span></td>
  {% if contacts %}<td data-label="{{ l_phone }}">{% if cb.phone %}<a dir="ltr" href="tel:{{ cb.phone }}">{{ cb.phone }}</a>{% else %}{{ w_no_phone }}{% endif %}</td>{% endif %}
  <td data-label="{{ l_when }}"><bdi>{{ cb.when }}</bdi></td>
  <td data-label="{{ l_language }}">{{ cb.language_name }}</td>
  <td data-label="{{ l_interpreter }}">{% if cb.interpreter_needed %}<strong>{{ w_interpreter }}</strong>{% else %}{{ w_not_needed }}{% endif %}</td>
  <td data-label="{{ l_case }}"><a href="{{ cb.url }}">#{{ cb.case_id }}</a></td>
</tr>{% endfor %}"""  # noqa: E501

LANGUAGES = ["en", "fr", "nl", "ar", "uk"]
# Text a name or a note may hold: markup, quotes, ampersands, right-to-left script.
text = st.one_of(st.sampled_from(["", "Anna", "<b>Ali</b>", 'O"Neil & Sons', "L'Été",
                                  "أحمد", "Олена", "{{ x }}", "%s %%"]), st.text(max_size=12))
safe = text.map(lambda s: mark_safe(s.replace("<", "&lt;")))  # noqa: S308 (a test)
maybe = st.one_of(st.none(), text)


def both(loop: str, tag: str, **context) -> tuple[str, str]:
    old = Template(loop).render(Context(context))
    new = Template("{% load list_rows %}" + tag).render(Context(context))
    return old, new


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LANGUAGES), st.sampled_from(["families", "volunteers"]), st.lists(
    st.fixed_dictionaries({
        "url": text, "contact_first_name": text, "contact_last_name": text,
        "postcode": maybe, "locality": text, "status_label": safe,
        "language_names": st.lists(text, max_size=3), "waiting_since": safe,
        "capacity": st.integers(0, 12000)}), max_size=4))
def test_household_rows_are_the_loops_html(language, kind, page):
    with translation.override(language):
        old, new = both(HOUSEHOLDS, "{% household_rows page kind %}", page=page, kind=kind)
    assert new == old


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LANGUAGES), st.lists(st.fixed_dictionaries({
    "pk": st.integers(1, 99999).map(lambda n: mark_safe(str(n))),  # noqa: S308
    "url": text, "status": st.sampled_from(["draft", "sent", "accepted"]),
    "family": text, "volunteer": text, "status_label": safe, "distance": text,
    "score": text, "sent_on": safe, "answer_before": safe, "sent": st.booleans(),
    "family_answer": safe, "volunteer_answer": safe, "select_label": text}), max_size=4))
def test_proposal_rows_are_the_loops_html(language, page):
    with translation.override(language):
        old, new = both(PROPOSALS, "{% proposal_rows page %}", page=page)
    assert new == old


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "url": text, "family": text, "volunteer": text, "since": safe, "status_label": safe,
    "attention": text}), max_size=4),
    st.lists(st.fixed_dictionaries({
        "url": text, "family": text, "volunteer": text, "side_label": safe, "due": safe,
        "emailed": safe}), max_size=4))
def test_match_and_checkin_rows_are_the_loops_html(matches, checkins):
    old, new = both(MATCHES, "{% match_rows page %}", page=matches)
    assert new == old
    old, new = both(CHECKINS, "{% checkin_rows page %}", page=checkins)
    assert new == old


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LANGUAGES), st.lists(st.fixed_dictionaries({
    "pk": st.integers(1, 99999).map(lambda n: mark_safe(str(n))),  # noqa: S308
    "url": text, "kind_label": safe, "is_safeguarding": st.booleans(),
    "family_name": maybe, "volunteer_name": maybe, "opened": safe,
    "opened_by_label": safe, "mediator": maybe, "status_label": safe}), max_size=4))
def test_case_rows_are_the_loops_html(language, page):
    with translation.override(language):
        old, new = both(CASES, "{% case_rows page %}", page=page)
    assert new == old


phones = st.sampled_from([None, "", "+32470123456", "+32 2 <123>"])


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(LANGUAGES), st.booleans(), st.lists(st.fixed_dictionaries({
    "household_kind": st.sampled_from(["family", "volunteer"]),
    "household_pk": st.integers(1, 9), "first_name": maybe, "when": text,
    "language_name": text, "interpreter_needed": st.booleans(),
    "case_id": st.integers(1, 123456), "url": text},
    optional={"last_name": maybe, "phone": phones}), max_size=4))
def test_callback_rows_are_the_loops_html(language, contacts, callbacks):
    if contacts:  # the call list reads last names and phone numbers only for these readers
        callbacks = [{"last_name": None, "phone": None, **cb} for cb in callbacks]
    with translation.override(language):
        old, new = both(CALLBACKS, "{% callback_rows callbacks contacts %}",
                        callbacks=callbacks, contacts=contacts)
    assert new == old



NAV = """{% load workspace %}{% for item in shell_nav %}
      <li><a href="{{ item.url }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}{% if item.count %} <span class="count">{{ item.count|grouped }}</span>{% endif %}</a></li>
      {% endfor %}"""  # noqa: E501


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LANGUAGES), st.lists(st.fixed_dictionaries({
    "url": text, "label": st.one_of(text, st.just(_lazy("Waiting families"))),
    "current": st.booleans(), "count": st.one_of(st.none(), st.integers(0, 10**7))}),
    max_size=14))
def test_the_menu_is_the_loops_html(language, nav):
    with translation.override(language):
        old = Template(NAV).render(Context({"shell_nav": nav}))
        new = Template("{% load workspace %}{% nav_links shell_nav %}").render(
            Context({"shell_nav": nav}))
    assert new == old


FILTER_FIELDS = """{% for field in filter.form %}
  <p{% if field.errors %} class="has-error"{% endif %}>
    {% if field.widget_type == "checkbox" %}<label for="{{ field.id_for_label }}">{{ field }} {{ field.label }}</label>
    {% else %}<label for="{{ field.id_for_label }}">{{ field.label }}</label>
    {{ field }}{% endif %}
    {% if field.errors %}<span class="errorlist" id="{{ field.auto_id }}_error">{% for e in field.errors %}{{ e }} {% endfor %}</span>{% endif %}</p>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filters_are_the_loops_html(language):
    from voisins.matches.filters import CheckInFilter, MatchFilter, ProposalFilter
    from voisins.mediation.filters import CaseFilter
    from voisins.workspace.filters import FamilyFilter, VolunteerFilter

    queries = ({}, {"status": "nonsense", "q": '<x y="1">', "sort": "-name", "archived": "on",
                    "waiting_days": "-3", "need": "?", "postcode": "1" * 40},
               {"status": "waiting", "sort": "waiting", "attention": "1", "kind": "x"})
    with translation.override(language):
        for filter_class in (FamilyFilter, VolunteerFilter, ProposalFilter, MatchFilter,
                             CheckInFilter, CaseFilter):
            for data in queries:
                filterset = filter_class(data, queryset=filter_class._meta.model.objects.none())
                filterset.form.is_valid()
                old, new = both(FILTER_FIELDS,
                                "{% load workspace %}{% filter_fields filter.form %}",
                                filter=filterset)
                assert new == old, (filter_class, data)
    assert 'class="has-error"' in new  # the errors' branch was written too


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["page", "sort", "status", "q", "export", "a b",
                                           "é", "x&y"]), st.text(max_size=6)), max_size=6),
       st.sampled_from(["", "sort", "export", "status"]), st.text(max_size=5))
def test_the_lists_query_string_is_what_a_copy_of_the_query_gave(pairs, key, value):
    from django.http import QueryDict
    from django.test import RequestFactory

    from voisins.workspace.templatetags.workspace import list_query

    request = RequestFactory().get("/", QueryDict(mutable=True))
    request.GET = QueryDict(mutable=True)
    for name, v in pairs:
        request.GET.appendlist(name, v)
    query = request.GET.copy()
    query.pop("page", None)
    if key:
        query[key] = value
    assert list_query(request, key, value) == query.urlencode()
    assert list_query(request, key, value) == query.urlencode()  # kept, still the same
