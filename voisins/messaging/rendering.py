"""Writing a message out: its subject and body in its language, signed by its programme,
an SMS kept to two segments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from voisins.households.models import Channel
from voisins.households.phones import display_phone

from .hooks import household_link
from .models import GroupMessage, Message
from .placeholders import fill
from .segments import MAX_SEGMENTS, count_segments, plain
from .selectors import site_url

SHORT_SMS_TEMPLATE = "messaging/sms/short.txt"
# A group message's body: its text for the household's language, placeholders filled in.
GROUP_TEMPLATE = "messaging/email/group.txt"


def _localise(context: dict[str, Any]) -> dict[str, Any]:
    result = dict(context)
    for key, value in context.items():
        if key.endswith("_iso") and value:
            moment = datetime.fromisoformat(value)
            if "T" in value:
                moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
                result[key[:-4]] = formats.date_format(moment, "DATETIME_FORMAT")
            else:
                result[key[:-4]] = formats.date_format(moment.date(), "DATE_FORMAT")
    link = str(context.get("link", ""))
    if link.startswith("/"):
        result["link"] = site_url() + link
    return result


def _sms_template(template: str) -> str:
    return template.replace("/email/", "/sms/")


def render(message: Message) -> tuple[str, str]:
    """Subject and body of ``message`` in its language, signed by its programme.

    An SMS is kept to two segments: longer, the coordinator's note is left out, then the
    short form ("<signature>: a message for you. <link> Phone: <number>") is used, and
    when even that is too long (a UCS-2 language and a long link), the signature, the
    programme's number and the link, else the signature and the link alone.
    """
    programme = message.programme
    with translation.override(message.language):
        context = _localise(_group_context(message) if message.template == GROUP_TEMPLATE
                            else message.context)
        context.setdefault("signature", programme.message_signature if programme else "Voisins")
        context.setdefault("programme_phone",
                           display_phone(programme.phone) if programme else "")
        subject = gettext(message.subject)
        if "%(" in subject:
            subject = subject % context
        if message.channel == Channel.SMS:
            # The whole text; else without the coordinator's note (it stays in e-mails
            # and on the household's page); else who writes and the link.
            body = plain(render_to_string(_sms_template(message.template), context).strip())
            if count_segments(body)[1] > MAX_SEGMENTS and context.get("note"):
                body = plain(render_to_string(_sms_template(message.template),
                                              {**context, "note": ""}).strip())
            if count_segments(body)[1] > MAX_SEGMENTS:
                body = plain(render_to_string(SHORT_SMS_TEMPLATE, context).strip())
            if count_segments(body)[1] > MAX_SEGMENTS and context.get("programme_phone"):
                # A long link leaves no room for a UCS-2 sentence: who writes, its number,
                # and the link, which opens the household's page in its language.
                body = plain(f"{context['signature']} ({context['programme_phone']}): "
                             f"{context.get('link', '')}".strip())
            if count_segments(body)[1] > MAX_SEGMENTS:
                body = plain(f"{context['signature']}: {context.get('link', '')}".strip())
        else:
            body = render_to_string(message.template, context)
    return subject, body


def _group_context(message: Message) -> dict[str, Any]:
    """The context of a group message with its text filled in for this household; its
    personal link is made now (by the registered link maker) when the text asks for it,
    so that queuing 10,000 messages makes no link at all."""
    context = dict(message.context)
    group = GroupMessage.objects.filter(pk=message.group_id).first()
    text = group.text_for(message.language)[0] if group else ""
    if "{link}" in text and not context.get("link"):
        context["link"] = household_link(message.household) if message.household else ""
    link = str(context.get("link", ""))
    if link.startswith("/"):
        link = site_url() + link
    signature = message.programme.message_signature if message.programme else "Voisins"
    context["text"] = fill(text, first_name=str(context.get("name", "")), link=link,
                           programme=signature) if text else ""
    return context
