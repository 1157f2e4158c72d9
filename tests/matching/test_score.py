"""The score: positive, explainable, weighted as documented."""

import math

import pytest
from hypothesis import given, settings

from voisins.matching import (
    InvalidFieldError,
    UnknownWeightError,
    VolunteerIndex,
    Weights,
    distance_km,
    explain_score,
    feasible,
    score,
)

from .helpers import families, make_family, make_volunteer, random_instance, volunteers

KM = 1 / 111.2  # degrees of latitude per km


@settings(max_examples=200, deadline=None)
@given(families("f1"), volunteers("v1"))
def test_it_is_positive_for_every_feasible_pair(family, volunteer):
    if feasible(family, volunteer):
        weights = Weights()
        assert weights.base <= score(family, volunteer) <= weights.max_score


def test_it_is_full_closeness_within_walking_distance_then_decays():
    family = make_family(radius_km=10)
    at = [score(family, make_volunteer(lat=family.lat + d * KM, radius_km=10))
          for d in (0.0, 0.5, 0.99, 2.0, 4.0, 8.0)]
    assert at[0] == at[1] == at[2]
    assert at[2] > at[3] > at[4] > at[5]
    # One decay length past walking distance loses a factor e of the closeness points.
    expected = Weights().closeness * (1 - math.exp(-0.5))
    assert at[0] - at[3] == pytest.approx(expected, rel=1e-3)


def test_it_counts_needs_by_priority():
    volunteer = make_volunteer(offers={"homework"})
    family = make_family(needs={"homework", "transport"},
                         need_priorities={"homework": 3, "transport": 1})
    assert explain_score(family, volunteer)["needs"] == pytest.approx(4.0 * 3 / 4)
    family = make_family(needs={"homework", "transport"},
                         need_priorities={"homework": 1, "transport": 3})
    assert explain_score(family, volunteer)["needs"] == pytest.approx(4.0 * 1 / 4)


def test_it_counts_shared_slots_up_to_a_cap():
    slots = ["mon-am", "mon-pm", "mon-eve", "tue-am", "tue-pm", "tue-eve", "wed-am"]
    family = make_family(availability=slots)
    two = explain_score(family, make_volunteer(availability=slots[:2]))["slots"]
    six = explain_score(family, make_volunteer(availability=slots[:6]))["slots"]
    seven = explain_score(family, make_volunteer(availability=slots))["slots"]
    assert two == pytest.approx(2 / 6) and six == seven == 1.0


def test_it_rewards_the_family_mother_tongue():
    family = make_family(languages={"fr"}, mother_tongues={"ar"})
    with_ar = explain_score(family, make_volunteer(languages={"fr", "ar"}))
    without = explain_score(family, make_volunteer(languages={"fr"}))
    assert with_ar["mother_tongue"] == 1.0 and without["mother_tongue"] == 0.0


def test_it_rewards_french_with_a_french_speaker_for_french_conversation():
    family = make_family(languages={"ar", "fr"}, needs={"french-conversation"})
    volunteer = make_volunteer(languages={"fr"}, offers={"french-conversation"})
    assert explain_score(family, volunteer)["host_language"] == 0.5
    assert explain_score(make_family(languages={"ar", "fr"}), make_volunteer(
        languages={"fr"}))["host_language"] == 0.0


def test_it_rewards_children_of_similar_ages_only_when_both_have_children():
    family = make_family(children_ages=[4, 9])
    assert explain_score(family, make_volunteer(children_ages=[10]))["children"] == 0.5
    assert explain_score(family, make_volunteer(children_ages=[5, 11]))["children"] == 1.0
    assert explain_score(family, make_volunteer(children_ages=[15]))["children"] == 0.0
    assert explain_score(family, make_volunteer())["children"] == 0.0
    assert explain_score(make_family(), make_volunteer(children_ages=[4]))["children"] == 0.0


def test_it_caps_the_waiting_time():
    volunteer = make_volunteer()
    points = [explain_score(make_family(waiting_days=d), volunteer)["waiting"]
              for d in (0, 90, 180, 720)]
    assert points == [0.0, 1.0, 2.0, 2.0]


def test_its_parts_add_up_to_the_score():
    family = make_family(waiting_days=40, children_ages=[7], mother_tongues={"ar"},
                         languages={"fr", "ar"})
    volunteer = make_volunteer(lat=family.lat + 1.7 * KM, children_ages=[8],
                               languages={"ar"})
    assert sum(explain_score(family, volunteer).values()) == pytest.approx(
        score(family, volunteer), rel=1e-15)


def test_it_uses_the_weights_given():
    family, volunteer = make_family(waiting_days=180), make_volunteer()
    heavy = Weights(waiting=10)
    assert score(family, volunteer, weights=heavy) - score(family, volunteer) == 8.0


def test_the_vectorised_score_equals_the_scalar_one():
    families, volunteers = random_instance(7, 60, 60)
    weights = Weights(children_age_gap=3, walk_km=0.5)
    index = VolunteerIndex(volunteers)
    edges = index.edges(families, weights=weights)
    assert len(edges) > 100
    for f, v, s, d in zip(edges.family, edges.volunteer, edges.score, edges.distance_km,
                          strict=True):
        family, volunteer = families[f], volunteers[v]
        assert s == pytest.approx(score(family, volunteer, weights=weights), rel=1e-12)
        assert d == pytest.approx(distance_km(family, volunteer), rel=1e-12)


def test_weights_come_from_a_plain_dict_and_back():
    weights = Weights.from_dict({"needs": 5, "waiting_cap_days": 90, "host_language_code": "NL"})
    assert weights.needs == 5.0 and weights.host_language_code == "nl"
    assert Weights.from_dict(weights.to_dict()) == weights


def test_weights_reject_unknown_keys_unless_told_to_ignore_them():
    with pytest.raises(UnknownWeightError, match="'closness'"):
        Weights.from_dict({"closness": 3})
    assert Weights.from_dict({"closness": 3}, strict=False) == Weights()


@pytest.mark.parametrize("bad", [{"base": 0}, {"needs": -1}, {"closeness": float("nan")},
                                 {"decay_km": 0}, {"slots_cap": 0}, {"children_age_gap": 11},
                                 {"waiting": "2"}, {"host_language_code": ""}])
def test_weights_reject_bad_values(bad):
    with pytest.raises(InvalidFieldError, match=next(iter(bad))):
        Weights.from_dict(bad)
