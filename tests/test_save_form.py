"""The one body of a form page (voisins.feedback.save_form): a valid POST goes to the
service and is said; a service's refusal lands on the form, on its named field, and the
page shows the form again; nothing runs on a GET or an invalid form."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from voisins.feedback import act, save_form, save_posted_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=10, label="Name")


def request(method: str, data: dict | None = None):
    made = getattr(RequestFactory(), method.lower())("/", data or {})
    made.session = SessionStore()
    made._messages = FallbackStorage(made)
    return made


def said(made) -> list[str]:
    return [str(m) for m in get_messages(made)]


def test_a_valid_post_calls_the_service_says_so_and_hands_back_its_result():
    made, calls = request("POST", {"name": "Ada"}), []
    form = NameForm(made.POST)
    saved = save_form(made, form, lambda: calls.append(form.cleaned_data["name"]) or 7,
                      "Saved.")
    assert saved and saved.value == 7
    assert calls == ["Ada"]
    assert said(made) == ["Saved."]


def test_a_refusal_of_the_service_goes_on_the_named_field_and_nothing_is_said():
    made = request("POST", {"name": "Ada"})
    form = NameForm(made.POST)

    def refuse():
        raise ValidationError({"name": "Taken.", "other": "Not a field."})

    saved = save_form(made, form, refuse, "Saved.")
    assert not saved and saved.value is None
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a field."]
    assert said(made) == []


def test_a_refusal_without_a_field_goes_on_the_form_as_a_whole():
    made = request("POST", {"name": "Ada"})
    form = NameForm(made.POST)

    def refuse():
        raise ValidationError("The programme is paused.")

    assert not save_form(made, form, refuse)
    assert form.non_field_errors() == ["The programme is paused."]


def test_nothing_runs_on_a_get_or_an_invalid_form():
    calls = []
    got = request("GET")
    assert not save_form(got, NameForm(None), lambda: calls.append(1), "Saved.")
    posted = request("POST", {"name": "far too long a name"})
    form = NameForm(posted.POST)
    assert not save_form(posted, form, lambda: calls.append(1), "Saved.")
    assert calls == [] and "name" in form.errors
    assert said(got) == said(posted) == []


# A form or an action posted from another page (voisins.feedback.act, save_posted_form):
# the page it came from shows what happened as messages, each refusal naming its field.

def test_an_action_that_goes_through_is_said_with_what_the_service_returned():
    made = request("POST")
    done = act(made, lambda: "notes.pdf", lambda name: f"“{name}” is saved.")
    assert done and done.value == "notes.pdf"
    assert said(made) == ["“notes.pdf” is saved."]


def test_a_refused_action_says_each_reason_with_its_field_and_nothing_else():
    made = request("POST")

    def refuse():
        raise ValidationError({"year": "Already closed.", "__all__": "Not yours."})

    assert not act(made, refuse, "Closed.", {"year": "Year to close"})
    assert sorted(said(made)) == ["Not yours.", "Year to close: Already closed."]


def test_a_posted_form_names_the_field_by_its_label_when_it_is_refused_or_invalid():
    made = request("POST", {"name": "Ada"})

    def refuse():
        raise ValidationError({"name": "Taken."})

    assert not save_posted_form(made, NameForm(made.POST), refuse, "Saved.")
    assert said(made) == ["Name: Taken."]
    calls, bad = [], request("POST", {"name": "far too long a name"})
    assert not save_posted_form(bad, NameForm(bad.POST), lambda: calls.append(1), "Saved.")
    assert calls == [] and len(said(bad)) == 1 and said(bad)[0].startswith("Name: ")


def test_a_valid_posted_form_calls_the_service_once_and_says_so():
    made, calls = request("POST", {"name": "Ada"}), []
    form = NameForm(made.POST)
    saved = save_posted_form(made, form, lambda: calls.append(form.cleaned_data["name"]) or 3,
                             "Saved.")
    assert saved and saved.value == 3 and calls == ["Ada"]
    assert said(made) == ["Saved."]


def test_a_refusal_on_a_field_the_form_calls_otherwise_lands_on_the_form_s_field():
    made = request("POST", {"name": "Ada"})
    form = NameForm(made.POST)

    def refuse():
        raise ValidationError({"full_name": "Taken."})

    assert not save_form(made, form, refuse, renamed={"full_name": "name"})
    assert form.errors["name"] == ["Taken."]


def test_a_success_said_from_the_result_says_nothing_when_it_gives_no_text():
    made = request("POST", {"name": "Ada"})
    saved = save_form(made, NameForm(made.POST), lambda: None,
                      lambda done: "Recorded." if done else None)
    assert saved and saved.value is None and said(made) == []


def test_an_action_refused_on_the_portal_says_every_reason_in_one_message():
    made = request("POST")

    def refuse():
        raise ValidationError({"session": "The session is full.", "__all__": "Too late."})

    assert not act(made, refuse, "Registered.", one_message=True)
    assert said(made) == ["The session is full. Too late."]
