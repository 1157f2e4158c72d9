"""The Django admin is for super-users. A staff account that reaches it anyway sees, for
every registered model that belongs to a programme, only the records of the programmes it
coordinates, and nothing at all of the models that belong to no programme.

Charlie coordinates "south"; here he is also a staff account holding every admin
permission, the worst case a super-user could set up by mistake.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from voisins import access
from voisins.accounts.models import User
from voisins.blueprints.services import programme_apply_builtin_template
from voisins.community import services as community
from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create, volunteer_create
from voisins.privacy.services import consent_give
from voisins.recruitment import services as recruitment
from voisins.training import services as training
from voisins.training.models import TrainingSession

from .conftest import family_data, make_user, volunteer_data


def registered() -> dict:
    import voisins.urls  # noqa: F401  (the admin's last touches are made with the URLs)

    return dict(admin.site._registry)


def programme_admins() -> dict:
    return {model: model_admin for model, model_admin in registered().items()
            if access.programme_path(model) is not None}


def fill(programme, coordinator, n: int) -> None:
    """One record of every registered kind in `programme`, made by the real services."""
    from voisins.api.services import token_create

    programme_apply_builtin_template(programme=programme)  # notice, charter, modules, texts
    family = family_create(programme=programme, **family_data(contact_last_name=f"Fam{n}"))
    volunteer = volunteer_create(programme=programme, user=make_user(f"v{n}@example.org"),
                                 **volunteer_data(contact_last_name=f"Vol{n}"))
    consent_give(household=family, purpose="matching", recorded_by=coordinator)
    recruitment.news_post_create(programme=programme, author=coordinator, language="fr",
                                 title=f"News {n}", body="…")
    campaign = recruitment.campaign_create(programme=programme, name=f"Posters {n}",
                                           channel="other")
    from voisins.recruitment.forms import SignupForm

    from .journey.conftest import SIGNUP

    form = SignupForm(dict(SIGNUP, email=f"s{n}@example.org"), programme=programme)
    assert form.is_valid(), form.errors
    recruitment.signup_submit(programme=programme, data=form.household_data(),
                              campaign=campaign, language="fr", confirm_url_for=str)
    recruitment.screening_update(volunteer=volunteer, notes="…")
    starts = timezone.now() + timedelta(days=10)
    session = training.training_session_create(
        module=programme.training_modules.first(), starts_at=starts, place="Hall",
        ends_at=starts + timedelta(hours=2))
    training.registration_create(session=session, volunteer=volunteer)
    event = community.event_create(programme=programme, kind="meetup", title=f"Event {n}",
                                   starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   place="Hall")
    community.invitations_send(event=event, users=[volunteer.user])
    community.resource_save(programme=programme, kind="guide", title=f"Guide {n}",
                            url="https://example.org/", languages=["fr"],
                            target_group="volunteers")
    token_create(user=coordinator)
    from decimal import Decimal

    from voisins.expenses import services as expenses

    today = timezone.localdate()
    expenses.ceiling_year_save(year=today.year, day_ceiling=Decimal("44.02"),
                               year_ceiling=Decimal("1760.83"))
    expenses.expense_settings_set(programme=programme, regime="flat", by=coordinator)
    expenses.expense_record(household=volunteer, spent_on=today, amount=Decimal("5"),
                            description="Bus", via="staff", by=coordinator)
    expenses.year_close(programme=programme, year=today.year - 1, by=coordinator)


@pytest.fixture
def staff_charlie(north, south, alice, charlie):
    fill(north, alice, 1)
    fill(south, charlie, 2)
    charlie.is_staff = True
    charlie.save()
    charlie.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=charlie.pk)  # without the cached permissions


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_that_belongs_to_a_programme_is_scoped_in_the_admin():
    unscoped = [model._meta.label for model, model_admin in programme_admins().items()
                if not isinstance(model_admin, access.ProgrammeScopedAdmin)
                or model_admin.programme_path.split("__")[-1] not in ("programme", "id")]
    assert not unscoped


def test_a_staff_coordinator_sees_only_its_programmes_records_in_every_list(
        client, staff_charlie, north, south):
    client.force_login(staff_charlie)
    request = RequestFactory().get("/admin/")
    request.user = staff_charlie
    for model, model_admin in programme_admins().items():
        path = model_admin.programme_path
        ours = model._default_manager.filter(**{path: south.pk})
        theirs = model._default_manager.filter(**{path: north.pk})
        assert ours.exists() and theirs.exists(), f"no {model._meta.label} to compare"
        shown = model_admin.get_queryset(request)
        assert set(shown) == set(ours), model._meta.label
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        # A record of another programme is reported as missing, never as forbidden.
        response = client.get(admin_url(model, "change", theirs.first().pk))
        assert response.status_code == 302 and response["Location"] == "/admin/", model
        assert client.get(admin_url(model, "change", ours.first().pk)).status_code == 200


def test_a_staff_account_sees_nothing_of_what_belongs_to_no_programme(client, staff_charlie):
    client.force_login(staff_charlie)
    others = [model for model in registered() if model not in programme_admins()]
    assert {m._meta.label for m in others} >= {
        "accounts.User", "account.EmailAddress", "mfa.Authenticator", "auditlog.LogEntry",
        "voisins_api.ApiToken"}
    for model in others:
        assert client.get(admin_url(model, "changelist")).status_code == 403, model
    index = client.get("/admin/").content.decode()
    assert "/admin/accounts/user/" not in index and "/admin/auditlog/" not in index
    assert "/admin/households/familyhousehold/" in index


def test_admin_forms_offer_only_ones_own_programmes_records(client, staff_charlie, north,
                                                            south):
    client.force_login(staff_charlie)
    html = client.get(admin_url(TrainingSession, "add")).content.decode()
    south_module = south.training_modules.first()
    north_module = north.training_modules.first()
    assert f'<option value="{south_module.pk}"' in html
    assert f'<option value="{north_module.pk}"' not in html
    starts = timezone.now() + timedelta(days=20)
    form = {"module": north_module.pk, "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": "10:00", "ends_at_0": starts.strftime("%Y-%m-%d"),
            "ends_at_1": "12:00", "place": "Hall", "capacity": 10}
    before = TrainingSession.objects.count()
    response = client.post(admin_url(TrainingSession, "add"), form)
    assert response.status_code == 200 and TrainingSession.objects.count() == before
    assert client.post(admin_url(TrainingSession, "add"), dict(
        form, module=south_module.pk)).status_code == 302
    assert TrainingSession.objects.count() == before + 1


def test_nobody_writes_a_consent_or_rewrites_a_notice_in_the_admin(
        client, staff_charlie, north):
    from voisins.privacy.models import Consent, PrivacyNotice
    from voisins.privacy.services import consent_give

    notice = PrivacyNotice.objects.create(programme=north, version="v1", text="Nous…")
    family = FamilyHousehold.objects.filter(programme=north).first()
    consent = consent_give(household=family, purpose="surveys")
    root = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    for user in (staff_charlie, root):
        client.force_login(user)
        before = Consent.objects.count()
        response = client.post(admin_url(Consent, "add"), {
            "programme": north.pk, "purpose": "photos", "family": family.pk,
            "given_at_0": "2025-01-01", "given_at_1": "10:00"})
        assert response.status_code == 403 and Consent.objects.count() == before
        change = reverse("admin:privacy_consent_change", args=[consent.pk])
        if user.is_superuser:
            assert client.get(change).status_code == 200  # read, not written
        response = client.post(change, {"programme": north.pk, "purpose": "photos",
                                        "family": family.pk, "given_at_0": "2020-01-01",
                                        "given_at_1": "10:00"})
        # Refused to the super-user; to the staff account, not even shown.
        assert response.status_code == (403 if user.is_superuser else 302)
        consent.refresh_from_db()
        assert consent.purpose == "surveys"
        # A published notice keeps the text people agreed to.
        client.post(reverse("admin:privacy_privacynotice_change", args=[notice.pk]), {
            "programme": north.pk, "version": "v1", "text": "Autre chose",
            "published_at_0": "2025-01-01", "published_at_1": "10:00"})
        notice.refresh_from_db()
        assert notice.text == "Nous…"


def test_the_admin_is_not_for_coordinators_daily_work(client, alice):
    """Coordinators are not staff accounts: every admin page sends them to log in."""
    client.force_login(alice)
    for url in ["/admin/"] + [admin_url(model, "changelist") for model in registered()]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_a_super_user_opens_every_admin_list(client, staff_charlie, north, south):
    root = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    client.force_login(root)
    request = RequestFactory().get("/admin/")
    request.user = root
    for model, model_admin in registered().items():
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        assert model_admin.get_queryset(request).count() == model._default_manager.count()
