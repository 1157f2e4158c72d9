"""Links to the volunteer-journey pages on the staff programme page, shown by role."""

from django import template

from voisins import access
from voisins.households.selectors import volunteer_households

register = template.Library()


@register.inclusion_tag("recruitment/_programme_links.html", takes_context=True)
def journey_links(context, programme):
    user = context["request"].user
    return {
        "programme": programme,
        "funnel": access.can(user, "view_funnel", programme),
        "recruitment": access.can(user, "manage_recruitment", programme),
        "training": access.can(user, "manage_training", programme),
        "events": access.can(user, "manage_events", programme),
        "resources": access.may_see_resources(user, programme, volunteer_households()),
        "referrals": access.can(user, "refer_families", programme),
        "new_programme": access.can(user, "manage_programme", programme),
    }
