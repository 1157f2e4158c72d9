"""Languages by name, in the reader's language, and words sorted the way the reader expects.

Households store ISO 639 codes ("ar", "prs", "ti"). ``language_name`` is the one function that
turns a code into a name in the active language: the catalogue's name for the languages
programmes meet most (``constants.LANGUAGE_NAMES``, translated by people), else the CLDR
name that ``langcodes`` (with ``language_data``) knows, else the code itself.
``is_language_code`` checks a code against ISO 639 through the same library.

Collation (``collation_key``): PyICU is not installed and the C library's locales depend on
the machine, so Voisins sorts with a small locale-independent key: letters of the reader's
alphabet where the Unicode order is wrong for it (Ukrainian: ґ after г, є after е, і and ї
after и; Russian ё after е), otherwise the letter without its accents (NFKD: é sorts with e,
Arabic أ إ آ with ا), case ignored; the exact text breaks ties. It is not the full Unicode
Collation Algorithm, but it orders every list of names Voisins shows as a reader of fr, nl,
en, ar or uk expects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import langcodes
from django.utils.translation import get_language

from .constants import LANGUAGE_NAMES

# Codes that are valid tags but name no language: undetermined, multiple, no linguistic
# content, uncoded; and the private-use range qaa–qtz.
_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis"}

# Alphabets whose order Unicode's code points do not follow (lower case).
ALPHABETS = {
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def is_language_code(code: object) -> bool:
    """Whether `code` is an ISO 639 language code (639-1 such as "ar", or 639-3 such as
    "prs"), lower case, naming a real language: "xx", "qaa" or "und" are not."""
    if not (isinstance(code, str) and 2 <= len(code) <= 3 and code.isascii()
            and code.isalpha() and code.islower()):
        return False
    if code in _NOT_A_LANGUAGE or "qaa" <= code <= "qtz":
        return False
    return langcodes.Language.get(code).is_valid()


def _ui_language(language: str | None = None) -> str:
    return (language or get_language() or "en").split("-")[0]


@lru_cache(maxsize=2048)
def _cldr_name(code: str, ui: str) -> str:
    name = langcodes.Language.make(language=code).display_name(ui)
    if not name or "[" in name:  # "unknown language [xx]"
        return code
    return name[0].upper() + name[1:]


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language `code` in the active language (or `language`).

    >>> from django.utils import translation
    >>> with translation.override("nl"):
    ...     language_name("ti"), language_name("ps")
    ('Tigrinya', 'Pashto')
    """
    if not code:
        return ""
    named = LANGUAGE_NAMES.get(code)
    if named is not None:
        if language is None:
            return str(named)
        from django.utils import translation

        with translation.override(language):
            return str(named)
    if not is_language_code(code):
        return code
    return _cldr_name(code, _ui_language(language))


# Languages that write the name of a language in lower case inside a sentence ("texte en
# néerlandais", "текст українською"), where a list or a heading starts it with a capital.
LOWER_CASE_NAMES = {"fr", "uk", "ru", "es", "it", "pt", "pl"}


def language_in_sentence(code: str, language: str | None = None) -> str:
    """`language_name`, as written inside a sentence of the reader's language: "Texte en
    néerlandais" in French, "Text in Dutch" in English."""
    name = language_name(code, language)
    if _ui_language(language) in LOWER_CASE_NAMES and name[:1].isupper() and (
            name[1:2].islower() or len(name) == 1):
        return name[0].lower() + name[1:]
    return name


def collation_key(text: str, language: str | None = None) -> tuple:
    """A sort key for `text` as a reader of `language` (default: the active one) expects."""
    alphabet = ALPHABETS.get(_ui_language(language), "")
    primary: list[tuple[int, int]] = []
    for char in str(text).casefold():
        if alphabet and char in alphabet:
            # Sorted among the letters of its script (Cyrillic), in the reader's order.
            primary.append((ord("а"), alphabet.index(char)))
            continue
        for base in unicodedata.normalize("NFKD", char):
            if not unicodedata.combining(base) and base.isalnum():
                primary.append((ord(base), 0))
    return (tuple(primary), str(text).casefold(), str(text))


def sorted_by_name[T](items: Iterable[T], name: Callable[[T], str] = str,
                   language: str | None = None) -> list[T]:
    """`items` sorted by `name(item)` in the reader's collation (``collation_key``)."""
    return sorted(items, key=lambda item: collation_key(name(item), language))


def language_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for a language field, by name in the reader's collation; the
    programme's usual languages (``LANGUAGE_NAMES``) unless `codes` are given."""
    pairs = [(code, language_name(code)) for code in (codes if codes is not None
                                                      else LANGUAGE_NAMES)]
    return sorted_by_name(pairs, name=lambda pair: pair[1])


# Lists: Arabic separates their items with the Arabic comma.
LIST_SEPARATORS = {"ar": "، ", "fa": "، ", "ur": "، "}


def join_list(items: Iterable[object], language: str | None = None) -> str:
    """Items joined as a list is written in `language` (default: the active one).

    >>> join_list(["a", "b"], "fr"), join_list(["a", "b"], "ar")
    ('a, b', 'a، b')
    """
    return LIST_SEPARATORS.get(_ui_language(language), ", ").join(str(i) for i in items)
