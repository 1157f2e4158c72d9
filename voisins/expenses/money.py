"""Money in Voisins: `Decimal` euros, rounded to the cent in one place.

Amounts are never floats: a float cannot hold 0.10 € exactly, and a sum of floats drifts
from the sum an accountant makes by hand. Every amount Voisins computes (kilometres × a
rate, a total) goes through `cents`, half up, as a Belgian accountant rounds.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

CENT = Decimal("0.01")


def cents(value: Decimal | int | str) -> Decimal:
    """`value` in euros, rounded half up to the cent.

    >>> cents(Decimal("12.345")), cents(Decimal("0.4326") * 37), cents(3)
    (Decimal('12.35'), Decimal('16.01'), Decimal('3.00'))
    """
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, never float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def euros(value: Decimal) -> str:
    """An amount as the reader writes it, in the active language: "12,50" in French."""
    return number_format(cents(value), 2)


def kilometres(value: Decimal) -> str:
    """Kilometres, one decimal, in the active language."""
    return number_format(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)
