"""How many SMS a text takes: GSM-7 when every character is in the GSM 03.38 alphabet,
else UCS-2 (Arabic, Ukrainian, most emoji)."""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Written with an escape character: each counts twice.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


# Typographic characters that would make a whole SMS UCS-2 (70 characters a segment
# instead of 160) for no visible gain: written with their plain GSM-7 equivalents.
# An SMS longer than this many segments is shortened (proposals) or refused (groups).
MAX_SEGMENTS = 2
PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"',
                       "–": "-", "—": "-", "…": "...", "\u00a0": " ", "\u202f": " "})


def plain(text: str) -> str:
    """``text`` with typographic quotes, dashes and spaces made plain.

    >>> plain("« Bonjour » – à bientôt…")
    '" Bonjour " - à bientôt...'
    """
    return text.translate(PLAIN)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def count_segments(text: str) -> tuple[str, int]:
    """The encoding ("GSM-7" or "UCS-2") and the number of SMS segments of ``text``.

    A single SMS holds 160 GSM-7 characters or 70 UCS-2 units; a longer text is split into
    parts of 153 or 67 (each part carries a header joining them).

    Complexity: O(len(text)).

    Examples
    --------
    >>> count_segments("a" * 160)
    ('GSM-7', 1)
    >>> count_segments("a" * 161)
    ('GSM-7', 2)
    >>> count_segments("Привіт")
    ('UCS-2', 1)
    >>> count_segments("€" * 80)
    ('GSM-7', 1)
    """
    if not text:
        return "GSM-7", 0
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, part = 160, 153
        encoding = "GSM-7"
    else:
        # UTF-16 code units: a character outside the BMP takes two.
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
        encoding = "UCS-2"
    if units <= single:
        return encoding, 1
    return encoding, -(-units // part)
