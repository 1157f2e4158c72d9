"""Small files made in code for the tests: good ones and each kind of bad one."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def pdf(text: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('hello');")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int = 20, height: int = 10, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def office(kind: str = "docx", payload: bytes = b"<w:document/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                             compress_type=zipfile.ZIP_STORED)
            archive.writestr("content.xml", payload)
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", payload)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A DOCX whose one part unpacks from ~20 kB to 20 MB."""
    return office("docx", b"\0" * (20 * 1024 * 1024))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class RawUpload:
    """An upload whose name is exactly what a client sent (Django's own UploadedFile
    already cuts a path off the name: the service must not rely on it)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.size, self._data = name, len(data), io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def seek(self, position: int) -> None:
        self._data.seek(position)
