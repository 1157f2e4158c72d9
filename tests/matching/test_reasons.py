"""Reasons: sentences a coordinator understands, with codes the application translates."""

import pickle

from voisins.matching import Reason, language_name, service_label, suggest

from .helpers import make_family, make_volunteer

KM = 1 / 111.2


def _reasons(family, volunteer):
    [proposal] = suggest(family, [volunteer])
    return {r.code: r for r in proposal.reasons}


def test_a_reason_is_a_string_with_a_code_and_params():
    reason = Reason("1.2 km apart", code="distance", params={"km": 1.2})
    assert reason == "1.2 km apart" and str(reason) == "1.2 km apart"
    assert reason.code == "distance" and reason.params == {"km": 1.2}
    copy = pickle.loads(pickle.dumps(reason))  # noqa: S301 - our own bytes
    assert copy == reason and copy.code == "distance" and copy.params == {"km": 1.2}


def test_it_explains_homework_for_a_child_of_a_given_age():
    reasons = _reasons(make_family(children_ages=[9]), make_volunteer())
    assert reasons["need"] == "homework help for a 9-year-old"
    assert reasons["need"].params["children_ages"] == [9]


def test_it_names_shared_languages():
    reasons = _reasons(make_family(languages={"ar", "prs"}),
                       make_volunteer(languages={"ar", "prs", "fr"}))
    assert reasons["language"] == "both speak Arabic and Dari"
    assert reasons["language"].params["languages"] == ["ar", "prs"]


def test_it_gives_the_distance_and_walking_distance():
    reasons = _reasons(make_family(), make_volunteer(lat=50.8466 + 1.2 * KM))
    assert reasons["distance"] == "1.2 km apart"
    assert reasons["distance"].params == {"km": 1.2, "walking": False}
    near = _reasons(make_family(), make_volunteer(lat=50.8466 + 0.4 * KM))
    assert near["distance"] == "0.4 km apart, within walking distance"


def test_it_says_how_long_the_family_has_waited():
    reasons = _reasons(make_family(waiting_days=122), make_volunteer())
    assert reasons["waiting"] == "waiting for 4 months"
    assert reasons["waiting"].params == {"days": 122}
    assert "waiting" not in _reasons(make_family(), make_volunteer())


def test_it_mentions_mother_tongue_french_practice_slots_and_children():
    family = make_family(languages={"fr"}, mother_tongues={"uk"}, children_ages=[6],
                         needs={"french-conversation", "homework"},
                         need_priorities={"french-conversation": 3},
                         availability={"sat-am", "sun-pm"})
    volunteer = make_volunteer(languages={"fr", "uk"}, children_ages=[7],
                               offers={"french-conversation"},
                               availability={"sat-am", "sun-pm"})
    reasons = _reasons(family, volunteer)
    assert reasons["need"] == "French conversation (high priority)"
    assert reasons["mother_tongue"] == "the volunteer speaks the family's mother tongue, Ukrainian"
    assert reasons["host_language"] == "can practise French with a French speaker"
    assert reasons["slots"] == "2 shared time slots: Saturday morning and Sunday afternoon"
    assert reasons["children"].params == {"family_ages": [6], "volunteer_ages": [7]}


def test_it_labels_unknown_codes_generically():
    assert service_label("bike-repair") == "help with bike repair"
    assert language_name("tig") == "tig"
    reasons = _reasons(make_family(needs={"bike-repair"}), make_volunteer(offers={"bike-repair"}))
    assert reasons["need"] == "help with bike repair"
