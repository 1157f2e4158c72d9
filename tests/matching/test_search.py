"""The vectorised candidate search finds exactly the feasible pairs, anywhere on Earth."""

import random
from dataclasses import replace

from hypothesis import given, settings

from voisins.matching import SLOTS, Family, Volunteer, VolunteerIndex, Weights, feasible
from voisins.matching.search import CodeBook

from .helpers import households, random_instance


def _found(families, volunteers, exclude=()):
    edges = VolunteerIndex(volunteers).edges(families, exclude, weights=Weights())
    pairs = [(families[f].id, volunteers[v].id) for f, v in zip(edges.family, edges.volunteer,
                                                                strict=True)]
    assert len(pairs) == len(set(pairs)), "a pair found twice"
    return set(pairs)


def _expected(families, volunteers, exclude=()):
    excluded = set(exclude)
    return {(f.id, v.id) for f in families for v in volunteers if feasible(f, v, excluded)}


@settings(max_examples=80, deadline=None)
@given(households(max_families=6, max_volunteers=8, anywhere=True))
def test_it_finds_every_feasible_pair_anywhere_on_earth(instance):
    families, volunteers = instance
    assert _found(families, volunteers) == _expected(families, volunteers)


@settings(max_examples=40, deadline=None)
@given(households(max_families=6, max_volunteers=8))
def test_it_finds_every_feasible_pair_in_a_dense_town(instance):
    families, volunteers = instance
    assert _found(families, volunteers) == _expected(families, volunteers)


def test_it_finds_pairs_across_the_antimeridian_and_around_a_pole():
    def family(id_, lat, lon, radius):
        return Family(id=id_, lat=lat, lon=lon, languages={"en"}, needs={"paperwork"},
                      availability={"mon-am"}, radius_km=radius)

    def volunteer(id_, lat, lon, radius):
        return Volunteer(id=id_, lat=lat, lon=lon, languages={"en"}, offers={"paperwork"},
                         availability={"mon-am"}, radius_km=radius)

    families = [family("fiji", -17.0, 179.99, 20), family("pole", 89.95, 10.0, 30),
                family("equator", 0.0, 0.0, 0.0)]
    volunteers = [volunteer("taveuni", -17.0, -179.9, 20), volunteer("across", 89.9, -170.0, 30),
                  volunteer("same", 0.0, 0.0, 0.0), volunteer("far", -17.0, -178.0, 20)]
    assert _found(families, volunteers) == {("fiji", "taveuni"), ("pole", "across"),
                                            ("equator", "same")}


def test_it_handles_more_than_64_languages():
    rng = random.Random(3)
    codes = [f"l{i:03d}" for i in range(150)]
    families, volunteers = random_instance(5, 40, 60)
    families = [replace(f, languages=set(rng.sample(codes, 3)), mother_tongues=set())
                for f in families]
    volunteers = [replace(v, languages=set(rng.sample(codes, 20)), mother_tongues=set())
                  for v in volunteers]
    index = VolunteerIndex(volunteers)
    assert index.languages_book.words == 3
    exclude = [(families[0].id, volunteers[0].id)]
    assert _found(families, volunteers, exclude) == _expected(families, volunteers, exclude)
    assert len(_expected(families, volunteers)) > 20


def test_it_searches_in_batches_without_losing_pairs(monkeypatch):
    from voisins.matching import search

    families, volunteers = random_instance(9, 60, 60)
    expected = _expected(families, volunteers)
    monkeypatch.setattr(search, "PAIR_BUDGET", 7)
    assert _found(families, volunteers) == expected


def test_code_books_split_masks_into_words():
    book = CodeBook(f"c{i:03d}" for i in range(130))
    [low, middle, high] = book.masks([book.integer(frozenset({"c000", "c064", "c129"}))])
    assert (int(low[0]), int(middle[0]), int(high[0])) == (1, 1, 2)
    assert SLOTS[0] == "mon-am" and len(SLOTS) == 21
