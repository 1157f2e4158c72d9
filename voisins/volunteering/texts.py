"""The information note's templates: one per legal status, written in every language
Voisins has pages in (the catalogues in voisins/locale hold the French, Dutch, Arabic and
Ukrainian wording), with the organisation's own details put in at publication.

The insurance is not written into the stored text: the note carries the marker
:data:`INSURANCE` where the policies in force are put when it is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import InformationNote, InsurancePolicy

INSURANCE = "{insurance}"


def note_languages() -> list[str]:
    """Every language the note is written in: the languages of the household pages."""
    return [code for code, _name in settings.LANGUAGES]


def _paragraphs(note: InformationNote) -> list[str]:
    from .models import ExpensesRegime, LegalStatus

    values = {"organisation": note.organisation_name, "number": note.enterprise_number,
              "persons": note.responsible_persons, "aim": note.aim, "contact": note.contact}
    out = [_("Information note for volunteers"),
           _("Before you start as a volunteer with %(organisation)s, the Belgian law of "
             "3 July 2005 on the rights of volunteers asks us to tell you the "
             "following.") % values,
           "## " + _("Who we are")]
    if note.legal_status == LegalStatus.ASBL:
        status = _("%(organisation)s is a non-profit association (ASBL/VZW).") % values
    elif note.legal_status == LegalStatus.PUBLIC:
        status = _("%(organisation)s is a public body.") % values
    else:
        status = _("%(organisation)s is a de facto association: a group of people without "
                   "legal personality. The persons in charge are: %(persons)s.") % values
    if note.enterprise_number and note.legal_status != LegalStatus.DE_FACTO:
        status += " " + _("Enterprise number: %(number)s.") % values
    out += [status, _("Its aim: %(aim)s") % values, "## " + _("Your liability")]
    if note.legal_status == LegalStatus.DE_FACTO and not note.employs_staff:
        out.append(_("Because %(organisation)s is a de facto association that employs no "
                     "staff, the protection of article 5 of the law does not apply: if you "
                     "cause damage to someone while volunteering, you may be held liable "
                     "personally, and so may the members of the association. The insurance "
                     "below says what is covered.") % values)
    else:
        out.append(_("If you cause damage to someone while volunteering for us, the "
                     "organisation is liable for it, not you, except for an intentional "
                     "fault, a serious fault, or a light fault that you make habitually "
                     "rather than by accident (article 5 of the law)."))
    out += ["## " + _("Insurance"), INSURANCE, "## " + _("Expenses")]
    out.append({
        ExpensesRegime.NONE: _("Volunteering with us is unpaid, and we do not pay back "
                               "expenses."),
        ExpensesRegime.FLAT: _("We pay back your expenses at a flat rate, within the daily "
                               "and yearly ceilings set by law."),
        ExpensesRegime.REAL: _("We pay back your real expenses, on proof (receipts, "
                               "kilometres travelled)."),
    }[note.expenses_regime])
    if note.expenses_regime != ExpensesRegime.NONE:
        out.append(_("The flat rate and the real cost cannot be mixed for one volunteer "
                     "in the same year."))
    out.append("## " + _("Discretion"))
    if note.discretion:
        out.append(_("You will learn private things about the families you help. Keep them "
                     "to yourself: professional secrecy (article 458 of the Penal Code) "
                     "applies to you, except where the law allows or obliges you to speak, "
                     "for example to protect a person in danger."))
    else:
        out.append(_("Please treat what you learn about the families with discretion, even "
                     "though professional secrecy (article 458 of the Penal Code) does not "
                     "apply to your role."))
    if note.contact:
        out.append(_("Questions? %(contact)s") % values)
    return out


def note_texts(note: InformationNote) -> dict[str, str]:
    """The note written from its template in every language: {language: text}."""
    texts = {}
    for language in note_languages():
        with translation.override(language):
            texts[language] = "\n\n".join(_paragraphs(note))
    return texts


def insurance_text(policies: list[InsurancePolicy], language: str) -> str:
    """The policies in force, in `language`; plainly said when there is none."""
    with translation.override(language):
        if not policies:
            return _("No insurance policy in force is recorded at the moment: ask us "
                     "before you start.")
        lines = []
        for policy in policies:
            values = {"insurer": policy.insurer, "number": policy.policy_number,
                      "covers": ", ".join(policy.cover_labels())}
            if policy.valid_to:
                values["end"] = formats.date_format(policy.valid_to, "DATE_FORMAT")
                lines.append(_("%(insurer)s, policy %(number)s: %(covers)s, until "
                               "%(end)s.") % values)
            else:
                lines.append(_("%(insurer)s, policy %(number)s: %(covers)s.") % values)
        return "\n".join(lines)


def note_text(note: InformationNote, language: str, policies: list[InsurancePolicy],
              ) -> tuple[str, str]:
    """The text of `note` to show in `language` (or the nearest language it has), with
    the policies in force put in; and the language it is in."""
    texts = note.texts or {}
    for code in [language, *(note.programme.languages or []), settings.LANGUAGE_CODE,
                 *texts]:
        if code in texts:
            return texts[code].replace(INSURANCE, insurance_text(policies, code)), code
    return "", language


def blocks(text: str) -> list[tuple[str, str]]:
    """The text cut into ("h", heading) and ("p", paragraph) blocks for the page."""
    out = []
    for part in text.split("\n\n"):
        if part.startswith("## "):
            out.append(("h", part[3:]))
        elif part:
            out.append(("p", part))
    return out
