from django import template

from voisins import access
from voisins.matches import bridge

register = template.Library()


@register.filter
def reason_text(reason: dict) -> str:
    """A stored engine reason, in the reader's language."""
    return bridge.reason_text(reason)


@register.filter
def service_label(code: str) -> str:
    return bridge.service_label(code)


@register.filter
def attention_labels(codes: list[str]) -> str:
    """Why a match needs attention, in the reader's language: "a low rating, a worry…"."""
    from voisins.matches.models import Match

    return ", ".join(str(Match.ATTENTION_LABELS.get(code, code)) for code in codes or ())


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.simple_tag
def may(user, action: str, programme) -> bool:
    """``{% may user "manage_matches" programme as allowed %}``: asks voisins.access."""
    return access.can(user, action, programme)
