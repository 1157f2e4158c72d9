"""Writing spreadsheets (CSV and XLSX) that a person opens safely.

Every cell the app writes to a CSV or an XLSX goes through `safe_cell`: a name, a title or
a category typed by anyone (a sign-up form, an import, a training title) must never become
a live formula in the file that a coordinator, a viewer or a funder opens (OWASP's
"CSV injection"). openpyxl stores any string that starts with ``=`` as a formula, and
spreadsheet programs evaluate CSV cells that start with ``=``, ``+``, ``-`` or ``@``.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

# What makes a spreadsheet read a cell as a formula (OWASP: = + - @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as it may be written to a cell: a text that a spreadsheet would read as a
    formula is written as text, prefixed with a quote; anything else (numbers, dates,
    None, ordinary text) is returned unchanged, so numbers stay numbers.

    >>> safe_cell('=HYPERLINK("http://evil.example/","Click")')
    '\\'=HYPERLINK("http://evil.example/","Click")'
    >>> safe_cell("-3"), safe_cell(-3), safe_cell("Voisins Nord")
    ("'-3", -3, 'Voisins Nord')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(v) for v in values]


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    """The CSV file of `header` and `rows`, one encoded line at a time (for a streamed
    response: memory stays constant whatever the number of rows). UTF-8 with a byte order
    mark, so that spreadsheet programs read accents right."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode() + writer.writerow(safe_row(header)).encode()
    for row in rows:
        yield writer.writerow(safe_row(row)).encode()


def xlsx_file(header: list[str], rows: Iterable[Iterable[Any]], *, title: str) -> IO[bytes]:
    """The XLSX file of `header` and `rows` in a temporary file, rewound, to stream back.

    openpyxl's write-only mode writes each row out as it comes, so memory stays constant
    whatever the number of rows; the file is deleted when closed.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    workbook.save(output)
    output.seek(0)
    return output


def neutralise_workbook(workbook: Any) -> None:
    """Pass every text cell of an (ordinary, not write-only) openpyxl workbook through
    `safe_cell`: for writers that fill cells in many places, called once before saving."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type in ("s", "f", "str"):
                    cell.value = safe_cell(cell.value)
