"""Named exceptions of the matching engine.

Every error that bad input can cause is a subclass of :class:`MatchingError`, and the ones
about a value are also :class:`ValueError`, so callers may catch either. The message
always names the field (and the record, when there is one) so that the Django side can
show it to a coordinator as it is.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any


class MatchingError(Exception):
    """Base class of every error raised by :mod:`voisins.matching`."""


class InvalidFieldError(MatchingError, ValueError):
    """A field of a family, a volunteer or the weights has a value the engine rejects.

    Attributes
    ----------
    field : str
        Name of the field, e.g. ``"lat"`` or ``"availability"``.
    value : object
        The rejected value.
    record : str or None
        Which record it belongs to, e.g. ``"family 'f12'"``, when known.
    """

    def __init__(self, field: str, message: str, *, value: Any = None, record: str | None = None):
        self.field = field
        self.value = value
        self.record = record
        where = f"{record}: " if record else ""
        super().__init__(f"{where}{field}: {message}")


class InvalidCoordinateError(InvalidFieldError):
    """A latitude outside [-90, 90] or a longitude outside [-180, 180] (or not a number)."""


class InvalidSlotError(InvalidFieldError):
    """An availability slot that is not one of :data:`voisins.matching.SLOTS`."""


class UnknownWeightError(InvalidFieldError):
    """A key given to :meth:`voisins.matching.Weights.from_dict` that is not a weight."""


class DuplicateIdError(MatchingError, ValueError):
    """The same id appears twice where ids must be unique.

    Attributes
    ----------
    kind : str
        ``"family"``, ``"volunteer"`` or ``"edge"``.
    ids : tuple
        The repeated ids (at most ten are kept).
    """

    def __init__(self, kind: str, ids: Iterable[Hashable]):
        self.kind = kind
        self.ids = tuple(ids)[:10]
        shown = ", ".join(repr(i) for i in self.ids)
        super().__init__(f"duplicate {kind} id(s): {shown}")


class InvalidEdgeError(MatchingError, ValueError):
    """An edge given to :func:`voisins.matching.assign` is malformed or has a bad weight."""


class DuplicateEdgeError(InvalidEdgeError):
    """The same (left, right) pair appears twice among the edges given to ``assign``."""


class SolverError(MatchingError, RuntimeError):
    """The flow solver did not report an optimal solution (a bug, never bad input)."""
