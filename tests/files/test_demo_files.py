"""The demo programme has files, made by the services: a handout PDF on a training
module, a resource that is a file, a case with the photo of a letter attached."""

from io import StringIO

from django.core.management import call_command

from voisins.files.models import StoredFile
from voisins.files.selectors import file_content


def test_the_demo_has_a_handout_a_resource_file_and_a_case_attachment(db, tmp_path):
    call_command("demo", "--families", "12", "--volunteers", "12", "--matches", "2",
                 "--journey", "--seed", "1", stdout=StringIO(), stderr=StringIO())
    by_purpose = {f.purpose: f for f in StoredFile.objects.all()}
    assert set(by_purpose) == {"handout", "resource", "case"}
    handout = by_purpose["handout"]
    assert handout.content_type == "application/pdf" and handout.module is not None
    assert file_content(handout).startswith(b"%PDF")
    (tmp_path / "handout.pdf").write_bytes(file_content(handout))
    assert by_purpose["case"].encrypted and by_purpose["case"].case.match is not None
    assert file_content(by_purpose["resource"]).startswith(b"\x89PNG")
    # The made-up case told nobody.
    from voisins.matches.models import Notification

    assert not Notification.objects.exists()
    # A second run adds nothing.
    from voisins.files.demo import files_demo

    files_demo(handout.programme)
    assert StoredFile.objects.count() == 3
