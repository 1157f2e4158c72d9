"""Placeholders of the texts a coordinator writes once for a group of households:
``{first_name}`` (the household's contact), ``{link}`` (its personal link) and
``{programme}`` (the programme's signature). Pure functions, no Django."""

from __future__ import annotations

import string

PLACEHOLDERS = ("first_name", "link", "programme")


class PlaceholderError(ValueError):
    """A text that cannot be filled in: ``names`` are the unknown placeholders (empty when
    a brace is left open)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names) or "unbalanced braces")
        self.names = names


def placeholders_in(text: str) -> list[str]:
    """The placeholders ``text`` uses, in order of first use.

    Raises
    ------
    PlaceholderError
        On an unknown placeholder, a format spec, or an unbalanced brace.

    Complexity: O(len(text)).

    Examples
    --------
    >>> placeholders_in("Hello {first_name}, see {link}")
    ['first_name', 'link']
    >>> try:
    ...     placeholders_in("Hello {name} {0}")
    ... except PlaceholderError as error:
    ...     print(error.names)
    ['{name}', '{0}']
    """
    try:
        fields = [(name, spec, conv) for _lit, name, spec, conv
                  in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise PlaceholderError([]) from exc
    unknown = [f"{{{name}}}" for name, spec, conv in fields
               if name not in PLACEHOLDERS or spec or conv]
    if unknown:
        raise PlaceholderError(list(dict.fromkeys(unknown)))
    return list(dict.fromkeys(name for name, _spec, _conv in fields))


def fill(text: str, *, first_name: str, link: str, programme: str) -> str:
    """``text`` with its placeholders filled in (it was checked by :func:`placeholders_in`).

    >>> fill("Hello {first_name} from {programme}: {link}", first_name="Amina",
    ...      link="https://x/f/1/", programme="Voisins")
    'Hello Amina from Voisins: https://x/f/1/'
    >>> fill("Literal {{braces}}", first_name="", link="", programme="")
    'Literal {braces}'
    """
    return text.format(first_name=first_name, link=link, programme=programme)
