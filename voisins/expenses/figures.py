"""The published Belgian figures for volunteers' flat-rate expenses (docs/expenses.md has
the sources). The migration `0002_ceilings` wrote these into the database, where they are
data that an administrator keeps; this copy is what the demo falls back on in a database
without them (a test's, emptied between tests)."""

from decimal import Decimal

# year → (per day, per year, € per km for a private car or None, source)
PUBLISHED: dict[int, tuple[Decimal, Decimal, Decimal | None, str]] = {
    2024: (Decimal("41.48"), Decimal("1659.29"), Decimal("0.4265"),
           "Indexed ceilings 2024; km: federal civil service rate from 1 April 2024"),
    2025: (Decimal("42.31"), Decimal("1692.51"), None,
           "Indexed ceilings 2025 (UVCW, Twizzit); km rate: set the federal rate of the period"),
    2026: (Decimal("44.02"), Decimal("1760.83"), Decimal("0.4326"),
           "Indexed ceilings 2026 (Securex); km: federal civil service rate of 1 January 2026"),
}
