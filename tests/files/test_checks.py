"""Each bad file of issue 18 is refused with its reason, on the field "file", and leaves
nothing behind: no row, no bytes on the storage."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voisins.files import checks, services
from voisins.files.models import StoredFile

from . import samples


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _stored_objects() -> int:
    storage = storages["private"]
    dirs, files = storage.listdir("")
    count = len(files)
    stack = list(dirs)
    while stack:
        path = stack.pop()
        subdirs, names = storage.listdir(path)
        count += len(names)
        stack.extend(f"{path}/{d}" for d in subdirs)
    return count


def refused(case, alice, name, data) -> str:
    before = _stored_objects()
    with pytest.raises(ValidationError) as error:
        services.case_attachment_add(case=case, upload=samples.RawUpload(name, data),
                                     by=alice)
    assert StoredFile.objects.count() == 0
    assert _stored_objects() == before
    assert list(error.value.message_dict) == ["file"]
    return " ".join(error.value.message_dict["file"])


def test_a_good_pdf_is_kept_with_its_facts(case, alice):
    data = samples.pdf()
    stored = services.case_attachment_add(case=case, upload=samples.upload(
        "Lettre CPAS.pdf", data), by=alice)
    assert (stored.name, stored.content_type, stored.size) == (
        "Lettre CPAS.pdf", "application/pdf", len(data))
    assert stored.encrypted and stored.uploaded_by == alice
    assert len(stored.sha256) == 64
    # The storage name says neither who nor what: programme, purpose, a random id.
    assert stored.storage_name.startswith(f"{case.programme_id}/case/")
    assert "Lettre" not in stored.storage_name


@pytest.mark.parametrize(("name", "make", "mime"), [
    ("photo.png", lambda: samples.png(), "image/png"),
    ("note.txt", lambda: "Bonjour, à mardi".encode(), "text/plain"),
    ("slides.docx", lambda: samples.office("docx"), samples.office.__name__ and
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("texte.odt", lambda: samples.office("odt"), "application/vnd.oasis.opendocument.text"),
])
def test_allowed_kinds_are_read_from_their_content(case, alice, name, make, mime):
    stored = services.case_attachment_add(case=case, upload=samples.upload(name, make()),
                                          by=alice)
    assert stored.content_type == mime


def test_a_name_without_extension_gets_the_contents_one(case, alice):
    stored = services.case_attachment_add(case=case, upload=samples.upload(
        "scan", samples.png()), by=alice)
    assert stored.name == "scan.png"


@override_settings(FILES_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused(case, alice):
    assert "too large" in refused(case, alice, "big.pdf", samples.pdf() + b"\0" * 1000)


def test_an_empty_file_is_refused(case, alice):
    assert "empty" in refused(case, alice, "empty.pdf", b"")


def test_a_forbidden_type_is_refused(case, alice):
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 200
    assert "not accepted" in refused(case, alice, "tool.pdf", elf)


def test_a_gif_is_not_among_the_kinds(case, alice):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    assert "not accepted" in refused(case, alice, "a.gif", out.getvalue())


def test_a_lying_extension_is_refused(case, alice):
    message = refused(case, alice, "letter.pdf", samples.png())
    assert ".pdf" in message and "PNG" in message


def test_a_zip_bomb_is_refused(case, alice):
    assert "zip bomb" in refused(case, alice, "cv.docx", samples.zip_bomb())


def test_a_pdf_with_javascript_is_refused(case, alice):
    assert "JavaScript" in refused(case, alice, "form.pdf", samples.pdf_with_javascript())


def test_js_as_mere_text_in_a_pdf_is_not_javascript(case, alice):
    # "/JS" turns up by chance in the compressed streams of large scans: only a real
    # /JS key of an object refuses the file.
    stored = services.case_attachment_add(case=case, upload=samples.upload(
        "scan.pdf", samples.pdf("about /JS and the web")), by=alice)
    assert stored.content_type == "application/pdf"


def test_a_damaged_pdf_is_refused(case, alice):
    assert "damaged" in refused(case, alice, "broken.pdf", b"%PDF-1.7\n" + b"x" * 50)


def test_an_image_decompression_bomb_is_refused(case, alice):
    # 64 megapixels in a few kilobytes of PNG.
    assert "too large" in refused(case, alice, "bomb.png", samples.png(8000, 8000, "1"))


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "dir/letter.pdf",
                                  "C:\\Users\\letter.pdf"])
def test_a_name_with_a_path_is_refused(case, alice, name):
    assert "path" in refused(case, alice, name, samples.pdf())


@pytest.mark.parametrize("name", ["let\x00ter.pdf", "let\nter.pdf", "evil\u202efdp.exe"])
def test_a_name_with_control_characters_is_refused(case, alice, name):
    assert "control characters" in refused(case, alice, name, samples.pdf())


def test_awkward_characters_are_replaced(case, alice):
    stored = services.case_attachment_add(case=case, upload=samples.upload(
        'lettre: "mars"?.pdf', samples.pdf()), by=alice)
    assert stored.name == "lettre_ _mars__.pdf"


def test_a_refusal_is_in_the_users_language(case, alice):
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.case_attachment_add(case=case, upload=samples.upload("a.pdf", b""),
                                     by=alice)
    assert error.value.message_dict["file"] == ["Le fichier est vide."]


def test_a_failed_save_leaves_no_bytes(case, alice, monkeypatch):
    before = _stored_objects()

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(StoredFile, "save", boom)
    with pytest.raises(RuntimeError):
        services.case_attachment_add(case=case, upload=samples.upload(
            "a.pdf", samples.pdf()), by=alice)
    assert _stored_objects() == before


# --- any bytes, any name: a refusal or a kind, never an exception -----------------------

PREFIXES = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04",
            b"RIFF\x00\x00\x00\x00WEBPVP8 "]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=400), st.text(max_size=40))
def test_any_bytes_and_name_are_checked_without_an_exception(prefix, body, name):
    with translation.override("en"):
        try:
            clean, kind = checks.check(name, prefix + body)
        except checks.FileRefused as refusal:
            assert str(refusal)
        else:
            assert kind.mime in checks.ALLOWED and "/" not in clean
