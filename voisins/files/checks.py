"""What a file must be to be stored: its name, its size and its content.

Every check raises `FileRefused` with the reason in the user's language; nothing here
writes anything. The type is read from the bytes (`filetype`), then the file is opened
by the library that knows the format (pypdf, Pillow, zipfile): a name that says ".pdf" on
a PNG, a PDF that runs JavaScript, an image or an office file that would unpack to
gigabytes are refused.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class FileRefused(Exception):
    """A file that may not be stored; `str(error)` is the reason for the user."""


@dataclass(frozen=True)
class Kind:
    mime: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", ("pdf",), "PDF")
PNG = Kind("image/png", ("png",), "PNG")
JPEG = Kind("image/jpeg", ("jpg", "jpeg"), "JPEG")
WEBP = Kind("image/webp", ("webp",), "WebP")
ODT = Kind("application/vnd.oasis.opendocument.text", ("odt",), "ODT")
ODP = Kind("application/vnd.oasis.opendocument.presentation", ("odp",), "ODP")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",), "DOCX")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",), "PPTX")
TEXT = Kind("text/plain", ("txt",), "text")
ALLOWED = {kind.mime: kind for kind in (PDF, PNG, JPEG, WEBP, ODT, ODP, DOCX, PPTX, TEXT)}
IMAGES = {PNG.mime, JPEG.mime, WEBP.mime}
ZIPPED = {ODT.mime, ODP.mime, DOCX.mime, PPTX.mime}

# Path separators and control characters are refused; characters that some systems do
# not allow in a name are replaced.
_SEPARATORS = ("/", "\\")
_AWKWARD = re.compile(r'[<>:"|?*]')
# PDF names that run code or act by themselves when the document opens, looked for in the
# raw bytes. Long names only: a short one such as /JS turns up by chance in the compressed
# streams of a large scan; pypdf finds /JS among every object's keys.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|Launch|EmbeddedFile|RichMedia|XFA)\b")


def human_types() -> str:
    return "PDF, PNG, JPEG, WebP, ODT, ODP, DOCX, PPTX, " + _("text")


def clean_name(raw: str) -> str:
    """The name to keep: NFC, without awkward characters, at most 150 characters.

    >>> clean_name("Lettre CPAS: mars.pdf")
    'Lettre CPAS_ mars.pdf'
    """
    if not raw or not raw.strip():
        raise FileRefused(_("The file has no name."))
    if any(sep in raw for sep in _SEPARATORS):
        raise FileRefused(_("The file name may not contain a path (/ or \\)."))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in raw):
        raise FileRefused(_("The file name contains control characters."))
    name = _AWKWARD.sub("_", unicodedata.normalize("NFC", raw)).strip().lstrip(".")
    if not name:
        raise FileRefused(_("The file has no name."))
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 149 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    return name


def check_size(size: int) -> None:
    if size <= 0:
        raise FileRefused(_("The file is empty."))
    if size > settings.FILES_MAX_BYTES:
        raise FileRefused(_("The file is too large: at most %(max)s.") % {
            "max": filesizeformat(settings.FILES_MAX_BYTES)})


def sniff(data: bytes) -> Kind:
    """The kind of the content, whatever the name says."""
    guessed = filetype.guess_mime(data)
    if guessed is None:
        if _is_text(data):
            return TEXT
        raise FileRefused(_("This type of file is not accepted: give %(types)s.") % {
            "types": human_types()})
    if guessed == "application/zip":
        guessed = _office_kind(data)
    kind = ALLOWED.get(guessed)
    if kind is None:
        raise FileRefused(_("This type of file is not accepted: give %(types)s.") % {
            "types": human_types()})
    return kind


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _office_kind(data: bytes) -> str:
    """An OpenDocument or Office Open XML file read from its zip's table of contents
    (filetype reads only the first entry)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "application/zip"
    if "word/document.xml" in names:
        return DOCX.mime
    if "ppt/presentation.xml" in names:
        return PPTX.mime
    return "application/zip"


def check_extension(name: str, kind: Kind) -> str:
    """The name, with the kind's extension added when it has none; a name whose extension
    says another type is refused."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name}.{kind.extensions[0]}"
    if ext.lower() not in kind.extensions:
        raise FileRefused(_("The name says .%(ext)s but the content is %(kind)s: rename "
                            "the file or give the right one.") % {
            "ext": ext.lower(), "kind": kind.label})
    return name


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if _PDF_ACTIVE.search(data):
        raise FileRefused(_("This PDF contains JavaScript or actions that run by "
                            "themselves: print it to PDF again, or scan it."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise FileRefused(_("This PDF is protected by a password: give it "
                                    "without one."))
            # Every object, those inside compressed object streams too (the raw scan
            # above cannot see them).
            active = "/AA" in reader.trailer["/Root"] or any(
                _pdf_object_active(reader, number)
                for number in range(1, min(int(reader.trailer.get("/Size", 0)), 200_000)))
    except FileRefused:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError, OSError,
            RecursionError):
        raise FileRefused(_("This PDF cannot be read: it is damaged.")) from None
    if active:
        raise FileRefused(_("This PDF contains JavaScript or actions that run by "
                            "themselves: print it to PDF again, or scan it."))


def _pdf_object_active(reader: object, number: int) -> bool:
    from pypdf.generic import DictionaryObject

    try:
        obj = reader.get_object(number)  # type: ignore[attr-defined]
    except Exception:  # a broken or missing object is not an action
        return False
    if not isinstance(obj, DictionaryObject):
        return False
    return ("/JS" in obj or "/JavaScript" in obj or "/AA" in obj
            or obj.get("/S") in ("/JavaScript", "/Launch"))


def check_image(data: bytes) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > settings.FILES_MAX_IMAGE_PIXELS:
                    raise FileRefused(_("This image is too large (%(w)s × %(h)s "
                                        "pixels).") % {"w": width, "h": height})
                image.verify()
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(_("This image would unpack to too many pixels.")) from None
    except Exception:  # Pillow raises many kinds on a broken image
        raise FileRefused(_("This image cannot be read: it is damaged.")) from None


def check_zip(data: bytes) -> None:
    """An office file: a zip that does not unpack to much more than it weighs."""
    limit = settings.FILES_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > 2000:
                raise FileRefused(_("This document holds too many parts."))
            total = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if total > limit or total / packed > settings.FILES_MAX_ZIP_RATIO:
                raise FileRefused(_("This document would unpack to too much data "
                                    "(a zip bomb?)."))
            if any(entry.filename.startswith(("/", "\\")) or ".." in entry.filename
                   for entry in entries):
                raise FileRefused(_("This document cannot be read: it is damaged."))
    except FileRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise FileRefused(_("This document cannot be read: it is damaged.")) from None


def check(raw_name: str, data: bytes) -> tuple[str, Kind]:
    """The clean name and the kind of an upload, or `FileRefused` with the reason."""
    name = clean_name(raw_name)
    check_size(len(data))
    kind = sniff(data)
    name = check_extension(name, kind)
    if kind is PDF:
        check_pdf(data)
    elif kind.mime in IMAGES:
        check_image(data)
    elif kind.mime in ZIPPED:
        check_zip(data)
    return name, kind
