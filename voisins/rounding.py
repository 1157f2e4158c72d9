"""How every figure of the evaluation is rounded: one set of functions for the pages, the PDF,
the XLSX and the API, so that a figure shown in two places is the same figure.

The rule: **round half up** (away from zero) on the number as it is written, never
truncate. A float is first read as its shortest decimal writing (``repr``: 0.445 is
"0.445", not the binary 0.44500000000000000611…), then rounded with `decimal.ROUND_HALF_UP`
to the figure's precision. It is the rule people learn at school and the one Excel and
LibreOffice apply to a displayed number, so a reader who rounds a raw figure by hand, or
a spreadsheet that formats it, gets the same digits.

Precisions:

- a share (of matches still going, of children who improved, of registrations attended):
  whole percentage points, 0.448 → 45 %;
- a duration in months (medians): one decimal, 5.29 → 5.3;
- a mean answer or a change of a mean (1 to 5): two decimals;
- a test statistic (χ²): two decimals; a p-value: three decimals, and "< 0.001" below;
- days of waiting: whole days;
- hours given by volunteers: whole hours.

Every function returns a `Decimal` (or None for no value): text and spreadsheets are made
from it, never from the raw float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SHARE_DIGITS = 0  # in percentage points
MONTHS_DIGITS = 1
MEAN_DIGITS = 2
STATISTIC_DIGITS = 2
P_VALUE_DIGITS = 3
DAYS_DIGITS = 0
HOURS_DIGITS = 0
P_VALUE_FLOOR = Decimal("0.001")


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The number as it is written: a float by its shortest decimal form (repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def round_half_up(value: float | int | Decimal, digits: int) -> Decimal:
    """`value` rounded half up (away from zero) to `digits` decimals.

    >>> round_half_up(5.25, 1), round_half_up(0.445, 2), round_half_up(-2.5, 0)
    (Decimal('5.3'), Decimal('0.45'), Decimal('-3'))
    >>> round_half_up(5.29, 1)  # never truncated
    Decimal('5.3')
    """
    return to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _maybe(value: float | None, digits: int) -> Decimal | None:
    return None if value is None else round_half_up(value, digits)


def percent_points(share: float | None) -> Decimal | None:
    """A share (0–1) in whole percentage points: 0.448 → 45, 0.957 → 96."""
    return None if share is None else round_half_up(to_decimal(share) * 100, SHARE_DIGITS)


def share(value: float | None) -> Decimal | None:
    """A share (0–1) rounded to whole percentage points, still as a share: 0.957 → 0.96.
    This is what the XLSX stores (with a percentage format): it shows what the page shows."""
    points = percent_points(value)
    return None if points is None else points / 100


def months(value: float | None) -> Decimal | None:
    """A duration in months, one decimal: 5.29 → 5.3."""
    return _maybe(value, MONTHS_DIGITS)


def mean(value: float | None) -> Decimal | None:
    """A mean answer (1–5) or a change of means, two decimals."""
    return _maybe(value, MEAN_DIGITS)


def statistic(value: float | None) -> Decimal | None:
    """A test statistic (the log-rank χ²), two decimals."""
    return _maybe(value, STATISTIC_DIGITS)


def p_value(value: float | None) -> Decimal | None:
    """A p-value, three decimals; anything that would show as 0.000 is P_VALUE_FLOOR's
    side of it (see `p_value_below_floor`)."""
    return _maybe(value, P_VALUE_DIGITS)


def p_value_below_floor(value: float) -> bool:
    """True when the p-value is written "< 0.001" rather than by its digits."""
    return to_decimal(value) < P_VALUE_FLOOR


def significant(value: float, level: str = "0.05") -> bool:
    """Whether the p-value *as shown* is below `level`, so that the sentence under a test
    never contradicts its printed p (a p of 0.0496 shows as 0.050: not below 0.05)."""
    if p_value_below_floor(value):
        return True
    return round_half_up(value, P_VALUE_DIGITS) < Decimal(level)


def days(value: float | None) -> Decimal | None:
    """A number of days, whole."""
    return _maybe(value, DAYS_DIGITS)


def hours(value: float | Decimal | None) -> Decimal | None:
    """Hours given by volunteers, whole: 12.5 → 13, 12.25 → 12."""
    return _maybe(value, HOURS_DIGITS)  # type: ignore[arg-type]


# --- Small counts ---------------------------------------------------------------------------

# A count of people or households between 1 and MIN_COUNT − 1 is not given in the funder
# report (nor on the dashboard to a viewer): in a small programme it can point at one
# family. The outcome surveys follow the same threshold (questions.MIN_GROUP).
MIN_COUNT = 5


def small_count(n: int) -> int | None:
    """`n`, or None when it is a small count (1 to MIN_COUNT − 1) that must not be shown.

    >>> small_count(0), small_count(1), small_count(4), small_count(5)
    (0, None, None, 5)
    """
    return None if 0 < n < MIN_COUNT else n


def counts_without_small(counts: dict[str, int]) -> dict[str, int | None]:
    """Each count of `counts` through `small_count`: for a reader who must not see them.

    >>> counts_without_small({"waiting": 3, "matched": 12, "ended": 0})
    {'waiting': None, 'matched': 12, 'ended': 0}
    """
    return {key: small_count(n) for key, n in counts.items()}
