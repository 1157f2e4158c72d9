"""Reports for funders: one click gives a PDF and an XLSX with no name or contact in them."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from voisins.evaluation import reports, selectors, services
from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold
from voisins.privacy.services import consent_give

from .conftest import make_family, make_match, make_volunteer


@pytest.fixture
def programme_with_people(north, alice):
    """Matches, survey answers for 6 children, and a meeting with feedback naming people."""
    today = timezone.localdate()
    volunteer = make_volunteer(north, 1, email="marie.dubois@example.org",
                               phone="+32 470 99 88 77")
    for i in range(6):
        family = make_family(north, i, email=f"family{i}@example.org",
                             members=[{"kind": "adult", "birth_year": 1985,
                                       "first_name": f"Parentname{i}"},
                                      {"kind": "child", "birth_year": today.year - 10,
                                       "first_name": f"Kidname{i}"}])
        consent_give(household=family, purpose="surveys")
        match = make_match(north, family, volunteer, today - timedelta(days=400 + i),
                           today - timedelta(days=10) if i % 2 else None)
        child = family.members.get(kind="child")
        services.survey_record(match=match, child=child, wave="start", language="fr",
                               answers={"happiness": 2, "language": 1})
        services.survey_record(match=match, child=child, wave="m12", language="fr",
                               answers={"happiness": 4, "language": 3})
    meeting = services.meeting_plan(programme=north, year=today.year - 1,
                                    planned_at=timezone.now() + timedelta(days=10),
                                    place="Maison de quartier")
    invitation = services.meeting_invite(meeting=meeting)[0]
    services.feedback_submit(invitation=invitation, what_works="Kidname0 and Marie Dubois",
                             what_is_hard="", what_to_change="", themes=["language"])
    # A volunteer who came through a campaign and followed the training.
    from voisins.recruitment import services as recruitment
    from voisins.training import services as training
    from voisins.training.models import TrainingSession

    from ..journey.test_funnel import signed_up

    campaign = recruitment.campaign_create(programme=north, name="Poster", channel="press")
    recruitment.visit_record(programme=north, campaign=campaign)
    newcomer = signed_up(north, campaign, "jeanne.lambert@example.org")
    module = training.training_module_create(programme=north, title="Welcome", required=True)
    soon = timezone.now() + timedelta(days=1)
    session = training.training_session_create(module=module, starts_at=soon,
                                               ends_at=soon + timedelta(hours=2), place="Hall")
    training.registration_create(session=session, volunteer=newcomer)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=3))
    training.attendance_record(session=session, attended=[newcomer.pk])
    return north


def personal_strings():
    values = set()
    for model in (FamilyHousehold, VolunteerHousehold):
        for first, last, email, phone, reference in model.objects.values_list(
                "contact_first_name", "contact_last_name", "email", "phone", "reference"):
            values.update([first, last, email, phone, reference])
    values.update(Member.objects.exclude(first_name="").values_list("first_name", flat=True))
    from voisins.accounts.models import User

    for first, last, email in User.objects.values_list("first_name", "last_name", "email"):
        values.update([first, last, email])
    values.add("Maison de quartier")  # the meeting's place is not a figure either
    return {v for v in values if v and len(v) > 2}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in workbook.worksheets
                     for row in sheet.iter_rows() for cell in row if cell.value is not None)


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_no_name_or_contact_appears_in_the_reports(programme_with_people, language):
    period = selectors.Period(date(2000, 1, 1), timezone.localdate())
    report = reports.report_build(programme=programme_with_people, period=period,
                                  language=language)
    pdf = pdf_text(reports.report_pdf(report))
    xlsx = xlsx_text(reports.report_xlsx(report))
    names = personal_strings()
    assert "Kidname0" in names and "marie.dubois@example.org" in names
    assert "jeanne.lambert@example.org" in names
    for text in (pdf, xlsx):
        lowered = text.lower()
        found = [name for name in names if name.lower() in lowered]
        assert not found, found
    # The figures are there: the programme, its matches and the children's outcomes.
    assert "Voisins Nord" in pdf and "Voisins Nord" in xlsx
    assert "+2" in pdf.replace(" ", "") or "+2,00" in pdf or "+2.00" in pdf
    assert any(str(v) in xlsx for v in ("2.0", "2"))


def test_the_report_is_in_the_chosen_language(programme_with_people):
    period = selectors.Period(date(2000, 1, 1), timezone.localdate())
    texts = {lang: pdf_text(reports.report_pdf(reports.report_build(
        programme=programme_with_people, period=period, language=lang))) for lang in ("en",)}
    assert "How long matches last" in texts["en"]
    assert "Recruitment funnel by channel" in texts["en"] and "Press release < 5 < 5" in texts["en"]
    assert "Training completion" in texts["en"]


def test_one_click_downloads_pdf_and_xlsx(client, vera, programme_with_people):
    client.force_login(vera)
    url = reverse("evaluation:reports", args=["north"])
    assert client.get(url).status_code == 200
    response = client.get(url, {"format": "pdf", "language": "nl", "start": "2000-01-01",
                                "end": timezone.localdate().isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(url, {"format": "xlsx", "language": "en", "start": "2000-01-01",
                                "end": timezone.localdate().isoformat()})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Summary"
    assert [row for row in workbook["Recruitment"].iter_rows(values_only=True)][:3] == [
        ("Channel", "Visited", "Signed up", "Screened", "Trained", "Matched"),
        ("press release", "< 5", "< 5", 0, 0, 0), ("All channels", "< 5", "< 5", 0, 0, 0)]
    training = {row[0]: row[1:] for row in workbook["Training"].iter_rows(values_only=True)}
    assert training["Welcome"] == ("yes", 1, "< 5", "< 5")


def test_a_bad_request_names_the_field(client, alice, north):
    client.force_login(alice)
    response = client.get(reverse("evaluation:reports", args=["north"]),
                          {"format": "pdf", "language": "de", "start": "yesterday"})
    assert response.status_code == 400
    assert {"language", "start"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("persona", ["bob", "rita", "charlie"])
def test_others_get_no_report(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("evaluation:reports", args=["north"])
    assert client.get(url, {"format": "pdf", "language": "fr"}).status_code == 404
