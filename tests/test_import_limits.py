"""Import limits (issue 19, item 2): a file over a limit (rows, columns, cell size, total
cells) is refused at once with a clear message, in bounded memory, whatever its shape:
the 2 MB file of the penetration test (a 200-column header, a million one-letter rows)
took 25 s and 4.8 GB before."""

import io
import time
import tracemalloc

import pytest
from django.utils import translation

from tests.test_import import FAMILY_HEADER, GOOD_FAMILIES, csv_bytes, run
from voisins.evaluation.importers import import_matches
from voisins.households import importers
from voisins.households.models import FamilyHousehold


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# What an import may hold at its peak beyond the file itself (the file is at most 10 MB).
PEAK_BYTES = 64 * 1024 * 1024


def _measured(call):
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak, time.monotonic() - started


def test_the_two_megabyte_file_is_refused_at_once_in_little_memory(north):
    data = (",".join(f"c{i}" for i in range(200)) + "\n" + "a\n" * 1_000_000).encode()
    assert len(data) < 2.1 * 1024 * 1024
    result, peak, seconds = _measured(lambda: run(north, data))
    assert not result.ok
    assert [str(e.message) for e in result.errors] == ["Row 1 has more than 100 columns."]
    assert peak < PEAK_BYTES + len(data), peak
    assert seconds < 20
    assert not FamilyHousehold.objects.exists()


def test_too_many_rows_are_refused_before_any_row_is_checked(north):
    data = csv_bytes(FAMILY_HEADER, [GOOD_FAMILIES[1]]) + b"x\n" * (importers.MAX_ROWS + 1)
    result, peak, seconds = _measured(lambda: run(north, data))
    assert [str(e.message) for e in result.errors] == [
        f"At most {importers.MAX_ROWS} rows per file."]
    assert peak < PEAK_BYTES + len(data), peak
    assert seconds < 10
    assert not FamilyHousehold.objects.exists()


@pytest.mark.parametrize(("rows", "message"), [
    ([["F1", "A" * 6000]], "Row 2 has a cell of more than 5000 characters."),
    ([["F1", *["x"] * 120]], "Row 2 has more than 100 columns."),
])
def test_a_huge_cell_or_a_wide_row_is_named(north, rows, message):
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    assert [str(e.message) for e in result.errors] == [message]


def test_too_many_cells_are_refused(north, monkeypatch):
    monkeypatch.setattr(importers, "MAX_CELLS", 2 * len(FAMILY_HEADER))
    result = run(north, csv_bytes(FAMILY_HEADER, GOOD_FAMILIES + [GOOD_FAMILIES[0]]))
    assert [str(e.message) for e in result.errors] == [
        f"The file has more than {2 * len(FAMILY_HEADER)} cells."]


def test_the_match_history_import_has_the_same_limits(north):
    data = (",".join(f"c{i}" for i in range(200)) + "\n" + "a\n" * 1_000_000).encode()
    result, peak, _seconds = _measured(lambda: import_matches(
        programme=north, upload=io.BytesIO(data), filename="matches.csv"))
    assert "Row 1 has more than 100 columns." in [str(e.message) for e in result.errors]
    assert peak < PEAK_BYTES + len(data), peak
