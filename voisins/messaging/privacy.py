"""What messaging adds to the GDPR duties: a household's messages in its data export; on
erasure, the address or number each went to and what filled them are removed (channel,
purpose, state and dates stay for the figures), and nothing still queued goes out."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import register_erase_hook, register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import Household

from .models import Message

ERASED_NAME = "—"


def _mine(household: Household) -> Any:
    side = household.side
    return Message.objects.filter(**{side: household})


@register_export_section("messages", _("Messages sent to you"))
def export_messages(household: Household) -> list[dict[str, Any]]:
    return [
        {"channel": m.channel, "purpose": m.purpose, "to": m.to_address,
         "language": m.language, "state": m.state, "created_at": iso(m.created_at),
         "sent_at": iso(m.sent_at), "delivered_at": iso(m.delivered_at),
         "called_at": iso(m.called_at)}
        for m in _mine(household).order_by("created_at", "id")
    ]


@register_erase_hook
def erase(household: Household) -> None:
    mine = _mine(household)
    mine.filter(state__in=[Message.State.QUEUED, Message.State.TO_CALL]).update(
        state=Message.State.FAILED, error_class="Erased", error="erased")
    mine.update(to_address="", context={})
    # Messages still waiting to go to others (the other household) may name the person:
    # the name goes, the message still goes.
    name = household.contact_first_name
    waiting = Message.objects.filter(programme_id=household.programme_id,
                                     state__in=[Message.State.QUEUED, Message.State.TO_CALL])
    for message in waiting.exclude(context={}):
        context = dict(message.context)
        # "name" is the recipient's own first name (the greeting), never the erased person's.
        named = [key for key, value in context.items()
                 if key != "name" and key.endswith("name") and value == name]
        if named:
            context.update(dict.fromkeys(named, ERASED_NAME))
            Message.objects.filter(pk=message.pk).update(context=context)
