"""hypothesis on every importer and form: arbitrary unicode, huge strings, empty fields,
wrong types — a clear error naming the row and column (or the field), nothing written."""

import csv
import io
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bearer
from voisins.households.models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from voisins.ops.household_import import import_households
from voisins.staff.forms import ImportForm, StatusForm

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

FAMILY_COLUMNS = ["reference", "first_name", "last_name", "gender", "email", "phone",
                  "postcode", "languages", "availability", "radius_km", "adults", "children",
                  "needs", "arrival_date", "wishes", "page_language", "status"]
VOLUNTEER_COLUMNS = FAMILY_COLUMNS[:12] + ["offers", "capacity", "motivation", "status"]
CONSENT_COLUMNS = ["consents", "consent_date", "consent_given_by"]
FAMILY_COLUMNS += CONSENT_COLUMNS
VOLUNTEER_COLUMNS += CONSENT_COLUMNS

# Cells: plausible values, arbitrary unicode, huge strings, empty, numbers as text.
cells = st.one_of(
    st.sampled_from(["", "1030", "ar:native", "fr", "mon-pm", "homework:3", "2015:primary",
                     "waiting", "x" * 5000, "2024-02-30", "-1", "NaN", "٣", "\u202e",
                     "matching, surveys", "photos;newsletter", "2024-03-15", "15/03/2099",
                     "=cmd|' /C calc'!A0"]),
    st.text(max_size=60),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)


def counts() -> tuple[int, ...]:
    from voisins.privacy.models import Consent

    return (FamilyHousehold.objects.count(), VolunteerHousehold.objects.count(),
            Member.objects.count(), StatusChange.objects.count(), Consent.objects.count())


def _csv(columns: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


@SETTINGS
@given(kind=st.sampled_from(["families", "volunteers"]),
       rows=st.lists(st.lists(cells, min_size=0, max_size=20), min_size=0, max_size=4))
def test_the_import_never_half_writes(north, kind, rows):
    columns = FAMILY_COLUMNS if kind == "families" else VOLUNTEER_COLUMNS
    before = counts()
    try:
        data = _csv(columns, rows)
    except UnicodeEncodeError:
        return
    result = import_households(programme=north, kind=kind, upload=io.BytesIO(data),
                               filename=f"{kind}.csv")
    if result.ok:
        assert result.created == sum(1 for r in rows if any(c.strip() for c in r))
        return
    assert counts() == before
    for error in result.errors:
        assert error.row >= 1 and error.message
        assert error.column == "" or error.column in columns or error.column in (
            "lat", "lon", "languages", "reference", "needs", "offers", "availability",
            "phone", "email", "contact_first_name", "contact_last_name", "postcode")


@SETTINGS
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_the_import_survives_any_bytes(north, data, name):
    before = counts()
    result = import_households(programme=north, kind="families", upload=io.BytesIO(data),
                               filename=name)
    if not result.ok:
        assert counts() == before and result.errors[0].message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8)


@SETTINGS
@given(payload=st.fixed_dictionaries({}, optional={
    "contact_first_name": json_values, "postcode": json_values, "languages": json_values,
    "needs": json_values, "availability": json_values, "email": json_values,
    "members": json_values, "pin": json_values, "status": json_values,
    "radius_km": json_values}))
def test_the_api_create_form_names_the_field_or_writes(client, alice, payload):
    before = counts()
    response = client.post("/api/v1/programmes/north/families", data=json.dumps(payload),
                           content_type="application/json", **bearer(alice))
    assert response.status_code in (201, 422), response.content
    if response.status_code == 422:
        assert counts() == before
        for error in response.json()["detail"]:
            assert error["msg"] and len(error["loc"]) >= 1


@SETTINGS
@given(status=st.text(max_size=300), note=st.text(max_size=400))
def test_the_status_form_refuses_what_the_pipeline_does_not_allow(client, alice, family,
                                                                  status, note):
    client.force_login(alice)
    response = client.post(f"/staff/north/families/{family.pk}/status/",
                           {"status": status, "note": note})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status in ("waiting", "matched", "ended")


@SETTINGS
@given(kind=st.text(max_size=50), filename=st.text(max_size=300))
def test_the_import_form_names_its_fields(kind, filename):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A browser sends a name; Django keeps its last part, and no file without one.
    name = os.path.basename(filename)
    files = {"file": SimpleUploadedFile(name, b"a,b\n")} if name not in ("", ".", "..") else {}
    form = ImportForm({"kind": kind}, files)
    if not form.is_valid():
        assert set(form.errors) <= {"kind", "file"}
    form = StatusForm({"status": kind, "note": filename})
    if not form.is_valid():
        assert set(form.errors) <= {"status", "note"}
