"""A person's data export as a readable PDF (WeasyPrint, with Debian's pango)."""

from typing import Any

from django.template.loader import render_to_string


def export_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    from .selectors import export_sections

    html = render_to_string("gdpr/export_pdf.html", {"data": data,
                                                      "sections": export_sections(data)})
    # No base URL: the document refers to nothing outside itself, so nothing is fetched.
    return HTML(string=html).write_pdf()
