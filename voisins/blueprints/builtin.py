"""The built-in "solidarity neighbours" template: what a new programme starts with when
it copies no existing programme. Texts are translated into the language they are created in."""

from django.utils.translation import gettext_lazy as _

MODULES = (
    (_("Role and limits of a solidarity neighbour"), _(
        "What a solidarity neighbour does and does not do; when to call the coordinator."),
     True),
    (_("The asylum procedure in Belgium"), _(
        "The steps of the procedure, the reception network, what a family goes through."),
     True),
    (_("Intercultural communication"), _(
        "Speaking with little common language, habits, misunderstandings."), False),
    (_("Safeguarding children"), _(
        "Recognising a child in danger and whom to tell; never alone with a child."), True),
)

CHARTER = _(
    "As a solidarity neighbour, I commit to:\n"
    "- respect the family's choices, beliefs, pace and privacy;\n"
    "- offer my time freely, without asking anything in return;\n"
    "- keep to my role and call the coordinators when a situation goes beyond it;\n"
    "- never be alone with a child of the family;\n"
    "- keep what I learn about the family to myself;\n"
    "- tell the coordinators when I want to pause or stop."
)

PRIVACY_NOTICE = _(
    "We keep the data you give us to match volunteer households with families living "
    "nearby and to support them. Only the programme's coordinators see it. A matched "
    "household sees the other household's first name, languages and contact once both "
    "agreed. Your location is kept as a postcode, never as a street address. Data is "
    "deleted after a period without activity. You may see, correct or delete your data "
    "at any time by asking the coordinators."
)

TAGLINE = _("Neighbours who give some of their time to a refugee family living nearby.")
ABOUT = _(
    "Local households are put in touch with refugee and migrant families who live in "
    "their immediate vicinity. Together they decide what they share: homework help, "
    "transport, discovering the neighbourhood, reading mail, speaking French, a meal…"
)
HOW_TO_JOIN = _(
    "Sign up with the form below. A coordinator meets you for a short interview, you "
    "follow a few training sessions, and we propose a family living near you."
)
HOW_TO_REFER = _(
    "Social workers of partner organisations (CPAS/OCMW, reception centres, schools) refer "
    "a family with its consent through their partner account."
)
