"""No untranslated string in French, Dutch, Arabic or Ukrainian: the compiled catalogues
(what users actually get) hold a translation for every message of the sources."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "voisins" / "locale"
LANGUAGES = ["fr", "nl", "ar", "uk"]


def source_messages() -> set:
    """Every msgid of the sources, as `make makemessages` collected them (English catalogue)."""
    with open(LOCALE / "en" / "LC_MESSAGES" / "django.po", "rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_the_compiled_catalogue(language):
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with open(mo, "rb") as f:
        compiled = gettext.GNUTranslations(f)
    catalogue = compiled._catalog  # msgid (or (msgid, n) for plurals) → translation
    singular = {k for k in catalogue if isinstance(k, str)}
    plural = {k[0] for k in catalogue if isinstance(k, tuple)}
    missing = []
    for msgid in sorted(source_messages(), key=str):
        if isinstance(msgid, tuple):
            forms = [v for k, v in catalogue.items() if isinstance(k, tuple) and k[0] == msgid[0]]
            if msgid[0] not in plural or not all(forms):
                missing.append(msgid[0])
        elif msgid not in singular or not catalogue[msgid].strip():
            missing.append(msgid)
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_marked_fuzzy(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as f:
        fuzzy = [m.id for m in read_po(f) if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"
