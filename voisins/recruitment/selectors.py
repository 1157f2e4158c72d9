"""Reads of recruitment: the public page, the sign-up funnel, a referrer's referrals."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.programmes.constants import SLOTS
from voisins.programmes.labels import language_label, service_label, slot_label
from voisins.programmes.models import Programme

from .models import (
    Campaign,
    Channel,
    Charter,
    NewsPost,
    PublicText,
    Screening,
    Visit,
    VolunteerOrigin,
)

V = VolunteerStatus
# How far along the pipeline each status is; paused and left say nothing about it.
STAGE_OF = {V.APPLIED: 1, V.SCREENED: 2, V.TRAINED: 3, V.AVAILABLE: 3, V.MATCHED: 4}
STAGES = (
    ("visited", _("visited")),
    ("signed_up", _("signed up")),
    ("screened", _("screened")),
    ("trained", _("trained")),
    ("matched", _("matched")),
)
NO_CAMPAIGN = "none"


def public_language(requested: str | None, current: str) -> str:
    """The language of a public page: the one asked for in the link, else the visitor's."""
    codes = settings.STAFF_LANGUAGES
    if requested in codes:
        return requested
    return current if current in codes else settings.LANGUAGE_CODE


def public_text(programme: Programme, language: str) -> PublicText | None:
    """The public text in `language`, else in the site's default language, else any."""
    texts = {t.language: t for t in PublicText.objects.filter(programme=programme)}
    return (texts.get(language) or texts.get(settings.LANGUAGE_CODE)
            or next(iter(texts.values()), None))


def news_posts(programme: Programme, language: str) -> QuerySet[NewsPost]:
    return NewsPost.objects.filter(programme=programme, language=language)


def current_charter(programme: Programme | int) -> Charter | None:
    programme_id = programme if isinstance(programme, int) else programme.pk
    return Charter.objects.filter(programme_id=programme_id).first()


@dataclass
class FunnelRow:
    key: str            # campaign id, channel code, or NO_CAMPAIGN
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def values(self) -> list[int]:
        return [self.counts.get(stage, 0) for stage, _label in STAGES]


def funnel(programme: Programme, by: str = "campaign") -> list[FunnelRow]:
    """How many people reached each step, per campaign (``by="campaign"``) or channel.

    visited: visits of the sign-up form through the campaign's link (once per browser
    session); signed up: volunteer households created by a confirmed sign-up; screened,
    trained, matched: those households that ever reached that step of the pipeline, as
    the status history tells (a household now paused still counts as trained).
    Sign-ups without a campaign form their own row. Three queries, whatever the size.
    """
    campaigns = {c.pk: c for c in Campaign.objects.filter(programme=programme)}

    def key_of(campaign_id: int | None) -> str:
        if campaign_id is None:
            return NO_CAMPAIGN
        return str(campaign_id) if by == "campaign" else campaigns[campaign_id].channel

    counts: dict[str, Counter] = {}
    for campaign_id in Visit.objects.filter(programme=programme).values_list(
            "campaign_id", flat=True):
        counts.setdefault(key_of(campaign_id), Counter())["visited"] += 1
    origins = dict(VolunteerOrigin.objects.filter(volunteer__programme=programme)
                   .values_list("volunteer_id", "campaign_id"))
    reached: dict[int, int] = dict.fromkeys(origins, 1)
    for volunteer_id, status in StatusChange.objects.filter(
            volunteer_id__in=list(origins)).values_list("volunteer_id", "to_status"):
        reached[volunteer_id] = max(reached[volunteer_id], STAGE_OF.get(status, 0))
    for volunteer_id, campaign_id in origins.items():
        row = counts.setdefault(key_of(campaign_id), Counter())
        row["signed_up"] += 1
        for stage, threshold in (("screened", 2), ("trained", 3), ("matched", 4)):
            if reached[volunteer_id] >= threshold:
                row[stage] += 1

    rows: list[FunnelRow] = []
    if by == "campaign":
        for pk, campaign in campaigns.items():
            rows.append(FunnelRow(str(pk), campaign.name, dict(counts.get(str(pk), {}))))
    else:
        for code, label in Channel.choices:
            if code in counts:
                rows.append(FunnelRow(code, str(label), dict(counts[code])))
    if NO_CAMPAIGN in counts:
        rows.append(FunnelRow(NO_CAMPAIGN, str(_("no campaign (direct)")),
                              dict(counts[NO_CAMPAIGN])))
    return rows


def funnel_without_small(rows: list[FunnelRow]) -> list[FunnelRow]:
    """The rows with every count of 1 to 4 people as None ("< 5"), for a reader who does
    not see the people (a viewer), as on the evaluation dashboard."""
    from voisins.evaluation.rounding import counts_without_small

    return [FunnelRow(row.key, row.label, counts_without_small(dict(
        zip([stage for stage, _label in STAGES], row.values, strict=True))))
        for row in rows]


def funnel_total(rows: list[FunnelRow]) -> FunnelRow:
    total = FunnelRow("total", str(_("all")))
    for stage, _label in STAGES:
        total.counts[stage] = sum(row.counts.get(stage, 0) for row in rows)
    return total


def referrals_of(*, programme: Programme, user: User, everyone: bool) -> QuerySet:
    """The families referred to `programme`: by `user`, or by anyone when `everyone`
    (a coordinator). Only what a referrer may see is selected: no contact details."""
    queryset = FamilyHousehold.objects.filter(programme=programme, referrer__isnull=False)
    if not everyone:
        queryset = queryset.filter(referrer=user)
    return queryset.only("id", "contact_first_name", "status", "created_at", "postcode",
                         "updated_at").order_by("-created_at", "-id")


def volunteers_to_screen(programme: Programme) -> QuerySet[VolunteerHousehold]:
    """Households that applied and wait for their screening, oldest first."""
    return (VolunteerHousehold.objects.filter(programme=programme, status=V.APPLIED)
            .select_related("screening").order_by("created_at", "id"))


def campaign_from_gap(params: Any) -> dict[str, str]:
    """A new campaign's fields prefilled from a recruitment gap's link (query parameters
    ``target_postcode``, ``target_language``, ``target_slot``, ``target_need``), with a
    name that says whom it looks for. Only prefilled: the form checks them when sent."""
    fields = {key: str(params.get(key, ""))[:50] for key in (
        "target_postcode", "target_language", "target_slot", "target_need")}
    if not any(fields.values()):
        return {}
    parts = [language_label(fields["target_language"]) if fields["target_language"] else "",
             slot_label(fields["target_slot"]) if fields["target_slot"] in SLOTS else "",
             service_label(fields["target_need"]) if fields["target_need"] else "",
             fields["target_postcode"]]
    name = _("Recruit: %(profile)s") % {"profile": ", ".join(p for p in parts if p)}
    return {**fields, "name": name[:200]}


def campaign_target(campaign: Campaign) -> str:
    """Whom a campaign looks for, in words ("Dari, Sunday afternoon, homework help, around
    1030"); empty when it looks for anybody."""
    parts = [language_label(campaign.target_language) if campaign.target_language else "",
             slot_label(campaign.target_slot) if campaign.target_slot else "",
             service_label(campaign.target_need) if campaign.target_need else "",
             (_("around %(postcode)s") % {"postcode": campaign.target_postcode})
             if campaign.target_postcode else ""]
    return ", ".join(p for p in parts if p)


# --- What the recruitment pages show ---------------------------------------------------------

def campaigns_of_programme(*, programme: Programme) -> QuerySet[Campaign]:
    """The programme's campaigns, in the model's order."""
    return Campaign.objects.filter(programme=programme)


def campaign_of_programme(*, programme: Programme, pk: object) -> Campaign | None:
    """Campaign `pk` of `programme` (the one a visitor came through), or None."""
    return campaigns_of_programme(programme=programme).filter(pk=pk).first()


def news_posts_recent(*, programme: Programme, limit: int = 100) -> QuerySet[NewsPost]:
    """The programme's last `limit` news posts, in every language (the model's order)."""
    return NewsPost.objects.filter(programme=programme)[:limit]


def screening_of(*, volunteer: VolunteerHousehold, with_charter: bool = False
                 ) -> Screening | None:
    """The screening of `volunteer` (with the charter it accepted, if asked), or None."""
    queryset = Screening.objects.filter(volunteer=volunteer)
    if with_charter:
        queryset = queryset.select_related("charter")
    return queryset.first()
