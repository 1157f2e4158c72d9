import re

import pytest
from django.core.management import call_command

from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold


def snapshot(slug="demo"):
    fields = ("reference", "contact_first_name", "contact_last_name", "postcode", "lat", "lon",
              "languages", "availability", "radius_km", "status")
    families = list(FamilyHousehold.objects.filter(programme__slug=slug).order_by("reference")
                    .values_list(*fields, "needs"))
    volunteers = list(VolunteerHousehold.objects.filter(programme__slug=slug)
                      .order_by("reference").values_list(*fields, "offers", "capacity"))
    members = sorted(Member.objects.filter(family__programme__slug=slug)
                     .values_list("family__reference", "kind", "birth_year", "school_level"))
    return families, volunteers, members


def run_demo(capsys, *args):
    call_command("demo", *args)
    return capsys.readouterr().out


def test_the_same_seed_gives_the_same_data(db, capsys):
    run_demo(capsys, "--families", "60", "--volunteers", "40", "--seed", "7")
    first = snapshot()
    FamilyHousehold.objects.all().delete()
    VolunteerHousehold.objects.all().delete()
    run_demo(capsys, "--families", "60", "--volunteers", "40", "--seed", "7")
    assert snapshot() == first
    assert len(first[0]) == 60 and len(first[1]) == 40


def test_another_seed_gives_other_data(db, capsys):
    run_demo(capsys, "--families", "30", "--volunteers", "0", "--seed", "1",
             "--programme", "a")
    run_demo(capsys, "--families", "30", "--volunteers", "0", "--seed", "2",
             "--programme", "b")
    assert snapshot("a")[0] != snapshot("b")[0]


def test_it_ends_with_a_working_coordinator_login(db, client, capsys):
    out = run_demo(capsys, "--families", "5", "--volunteers", "5", "--seed", "3",
                   "--programme", "liege")
    last = out.strip().splitlines()[-1]
    match = re.fullmatch(r"login: (\S+) password: (\S+)", last)
    assert match, last
    response = client.post("/accounts/login/", {"login": match[1], "password": match[2]})
    assert response.status_code == 302
    assert client.get("/staff/liege/families/").status_code == 200


def test_the_data_looks_like_a_programme_in_belgium(db, capsys):
    run_demo(capsys, "--families", "300", "--volunteers", "200", "--seed", "5")
    families = FamilyHousehold.objects.all()
    brussels = families.filter(postcode__startswith="1").exclude(
        postcode__in=["1300", "1348"]).count()
    assert brussels > 0.4 * families.count()
    languages = {entry["code"] for f in families for entry in f.languages}
    assert {"ar", "prs", "uk", "ti"} <= languages
    for household in list(families) + list(VolunteerHousehold.objects.all()):
        household.full_clean()  # every record passes the model's own validation
    assert Member.objects.filter(kind="child", family__isnull=False).exists()


def test_if_empty_leaves_an_existing_database_alone(db, capsys):
    run_demo(capsys, "--families", "3", "--volunteers", "3", "--seed", "1")
    out = run_demo(capsys, "--if-empty", "--families", "50", "--seed", "1")
    assert FamilyHousehold.objects.count() == 3
    assert out.strip().splitlines()[-1].startswith("login: ")


def test_negative_counts_are_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", "--families", "-1")


def match_snapshot(slug):
    from voisins.matches.models import CheckIn, Match, Proposal

    matches = list(Match.objects.filter(programme__slug=slug).order_by("family__reference")
                   .values_list("family__reference", "volunteer__reference", "status",
                                "started_on", "introduced_on"))
    checkins = sorted(CheckIn.objects.filter(match__programme__slug=slug).values_list(
        "match__family__reference", "side", "day_offset", "due_on", "rating"))
    waiting = sorted(Proposal.objects.filter(programme__slug=slug, status="sent").values_list(
        "family__reference", "volunteer__reference", "score"))
    return matches, checkins, waiting


def test_matches_proposals_and_checkins_are_the_same_for_a_seed(db, client, capsys):
    from voisins.matches.models import Match, Proposal

    for slug in ("a", "b"):
        out = run_demo(capsys, "--families", "60", "--volunteers", "60", "--seed", "5",
                       "--matches", "12", "--proposals", "4", "--programme", slug)
    assert "12 matches" in out and "4 proposals waiting" in out
    assert match_snapshot("a") == match_snapshot("b")
    matches, checkins, waiting = match_snapshot("a")
    assert len(matches) == 12 and len(waiting) == 4 and checkins
    assert all(m.proposal.status == "accepted" for m in Match.objects.all())
    # The volunteers concerned can log in to answer, with the demo password.
    proposal = Proposal.objects.filter(programme__slug="b", status="sent").first()
    password = re.search(r"password: (\S+)", out).group(1)
    assert client.login(email=proposal.volunteer.user.email, password=password)
