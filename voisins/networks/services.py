"""Writes of networks: the network, its staff, its members, publication tokens, the
publications of aggregate figures and closed periods. Keyword-only, validated; every
refusal names its field."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from voisins import access
from voisins.programmes.models import Programme

from . import selectors
from .models import (
    ClosedPeriod,
    Network,
    NetworkLink,
    NetworkMember,
    NetworkRole,
    NetworkStaff,
    PooledMonth,
    Publication,
    PublishToken,
)
from .schema import SCHEMA_VERSION, Aggregates
from .tokens import publish_token_digest

TOKEN_PREFIX = "vnp_"  # noqa: S105 - the prefix of every publication token, not a secret


# The paths under /networks/ that are not a network's (voisins/networks/urls.py).
RESERVED_SLUGS = frozenset({"links", "programme"})


def network_create(*, name: str, by: Any, description: str = "", slug: str = "") -> Network:
    """Start a network; `by` becomes its first network coordinator."""
    name = (name or "").strip()
    network = Network(name=name, slug=slug or slugify(name)[:60], description=description)
    if network.slug in RESERVED_SLUGS:
        raise ValidationError({"name": _("Choose another name: this one is taken.")})
    with transaction.atomic():
        network.full_clean()
        network.save()
        network_staff_set(network=network, user=by, role=NetworkRole.COORDINATOR)
    return network


def network_staff_set(*, network: Network, user: Any, role: str) -> NetworkStaff:
    """Give `user` a role in `network` (or change it)."""
    staff = NetworkStaff.objects.filter(network=network, user=user).first() or NetworkStaff(
        network=network, user=user)
    staff.role = role
    staff.full_clean()
    staff.save()
    return staff


def member_join(*, network: Network, programme: Programme, by: Any,
                named: bool = False) -> NetworkMember:
    """A programme of this instance joins `network` (its coordinator's decision)."""
    if NetworkMember.objects.filter(network=network, programme=programme,
                                    left_at__isnull=True).exists():
        raise ValidationError({"network": _("This programme is already in this network.")})
    member = NetworkMember(network=network, programme=programme, named=named, joined_by=by)
    member.full_clean()
    member.save()
    return member


def remote_member_add(*, network: Network, name: str, town: str = "", by: Any,
                      named: bool = False) -> NetworkMember:
    """Register a programme that runs on another instance and will publish over the API."""
    member = NetworkMember(network=network, remote_name=(name or "").strip(),
                           remote_town=(town or "").strip(), named=named, joined_by=by)
    if not member.remote_name:
        raise ValidationError({"remote_name": _("Give the programme's name.")})
    member.full_clean()
    member.save()
    return member


def member_leave(*, member: NetworkMember) -> NetworkMember:
    """The programme leaves: its past publications stay (the network's past figures), its
    tokens stop working, nothing new is accepted from it."""
    if member.left_at is None:
        now = timezone.now()
        with transaction.atomic():
            member.left_at = now
            # update_fields without full_clean(): only the time of leaving, set here.
            member.save(update_fields=["left_at"])
            member.publish_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    return member


def publish_token_create(*, member: NetworkMember, by: Any) -> tuple[PublishToken, str]:
    """Issue a token scoped to "publish aggregates" for one remote member; return the
    record and the token itself, shown once."""
    if member.left_at is not None:
        raise ValidationError({"member": _("This programme has left the network.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PublishToken(member=member, digest=publish_token_digest(raw), prefix=raw[:12],
                         created_by=by)
    token.save()
    return token, raw


def publish_token_revoke(*, token: PublishToken) -> PublishToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        # update_fields without full_clean(): only the revocation time, set here.
        token.save(update_fields=["revoked_at"])
    return token


def _schema_errors(error: SchemaError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "payload"
        fields.setdefault(where, []).append(item["msg"])
    return fields


def publication_store(*, member: NetworkMember, payload: dict) -> Publication:
    """Store what `member` published for one calendar month, replacing an earlier
    publication of the same month, unless the network closed that period.

    Raises
    ------
    ValidationError
        Naming the field: anything outside the schema, a member that left, a closed
        period.
    """
    if member.left_at is not None:
        raise ValidationError({"member": _("This programme has left the network.")})
    try:
        figures = Aggregates.model_validate(payload)
    except SchemaError as error:
        raise ValidationError(_schema_errors(error)) from None
    if period_is_closed(network=member.network, start=figures.period_start,
                        end=figures.period_end):
        raise ValidationError({"period_start": _(
            "The network has closed this period: its figures can no longer change.")})
    with transaction.atomic():
        publication, _created = Publication.objects.select_for_update().get_or_create(
            member=member, period_start=figures.period_start, period_end=figures.period_end,
            defaults={"schema_version": SCHEMA_VERSION,
                      "payload": figures.model_dump(mode="json")})
        if not _created:
            publication.schema_version = SCHEMA_VERSION
            publication.payload = figures.model_dump(mode="json")
            publication.full_clean()
            publication.save()
    return publication


def period_is_closed(*, network: Network, start: date, end: date) -> bool:
    """Whether a closed period of `network` overlaps [start, end]."""
    return ClosedPeriod.objects.filter(network=network, period_start__lte=end,
                                       period_end__gte=start).exists()


def closed_periods(*, network: Network) -> list[dict[str, date]]:
    """The periods `network` closed, earliest first."""
    return list(network.closed_periods.order_by("period_start").values(
        "period_start", "period_end"))


def period_close(*, network: Network, start: date, end: date, by: Any) -> ClosedPeriod:
    """Close a period of the network: no publication for it is accepted any more."""
    closed = ClosedPeriod(network=network, period_start=start, period_end=end, closed_by=by)
    if start and end and end < start:
        raise ValidationError({"period_end": _("The end comes before the start.")})
    closed.full_clean()
    closed.save()
    return closed


def network_staff_add(*, network: Network, email: str, role: str) -> NetworkStaff:
    """Give the person with the account `email` a role in `network` (or change it)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise ValidationError({"email": _(
            "No account has this address: the person must have an account first.")})
    if role not in NetworkRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    with transaction.atomic():
        staff = NetworkStaff.objects.select_for_update().filter(network=network,
                                                                user=user).first()
        if staff and not access.network_keeps_a_coordinator(
                network.staff.select_for_update(), leaving=staff, new_role=role):
            raise ValidationError({"role": _(
                "A network keeps at least one network coordinator.")})
        return network_staff_set(network=network, user=user, role=role)


def network_staff_remove(*, staff: NetworkStaff) -> None:
    """Take a person's role in the network away (never the last coordinator's)."""
    with transaction.atomic():
        if not access.network_keeps_a_coordinator(staff.network.staff.select_for_update(),
                                                  leaving=staff):
            raise ValidationError({"role": _(
                "A network keeps at least one network coordinator.")})
        staff.delete()


def member_named_set(*, member: NetworkMember, named: bool) -> NetworkMember:
    """The programme agrees to be named in the network's figures, or withdraws it (from
    then on every page and export shows its letter)."""
    if member.left_at is not None:
        raise ValidationError({"member": _("This programme has left the network.")})
    member.named = bool(named)
    # update_fields without full_clean(): only a boolean of the member changes here.
    member.save(update_fields=["named"])
    return member


def pooled_months_refresh(*, network: Network, start: date, end: date) -> int:
    """Bring the network's `PooledMonth` rows for the months from `start` to `end` in
    line with the publications (a month whose publications changed is pooled again, one
    with none left is removed); return how many months were pooled again.

    Called before the dashboard reads them, so that it never shows a stale figure, and by
    the worker after the night's publications, so that the page finds them ready."""
    period = selectors.period_of(start, end)
    stale = selectors.stale_months(network, period)
    states = selectors.month_states(network, period) if stale else {}
    for month in stale:
        if month not in states:
            PooledMonth.objects.filter(network=network, month=month).delete()
            continue
        count, last = states[month]
        row = PooledMonth(network=network, month=month, publications=count,
                          last_received=last,
                          figures=selectors.month_records(network, month))
        row.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                PooledMonth.objects.filter(network=network, month=month).delete()
                row.save()
        except IntegrityError:
            pass  # another request pooled the same month at the same moment: theirs stands
    return len(stale)


# --- Publications from another instance (issue 20 §5) ---------------------------------------

def publish_token_find(*, raw: str) -> PublishToken | None:
    """The live publication token `raw` stands for (None: unknown, revoked, or of a member
    that left), its last use noted."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (PublishToken.objects.select_related("member__network")
             .filter(digest=publish_token_digest(raw), revoked_at__isnull=True).first())
    if token is None:
        return None
    token.last_used_at = timezone.now()
    # update_fields without full_clean(): only the time of use, set here.
    token.save(update_fields=["last_used_at"])
    return token


def publications_receive(*, token: PublishToken, payloads: list[dict],
                         member_id: int | None = None) -> int:
    """Store what a remote member published with its token: one month or several, all or
    nothing.

    Raises
    ------
    ValidationError
        Naming the field (with the place in the list as ``0.period_start``): a member id
        other than the token's, a member that left, a field outside the schema, a closed
        period, the same month twice. Nothing is stored then.
    """
    member = token.member
    if member_id is not None and member_id != member.pk:
        raise ValidationError({"member": _(
            "This token publishes the figures of another programme of the network.")})
    if member.left_at is not None:
        raise ValidationError({"member": _("This programme has left the network.")})
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    with transaction.atomic():
        for i, payload in enumerate(payloads):
            try:
                publication = publication_store(member=member, payload=payload)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(f"{i}.{field}", []).extend(messages)
                continue
            month = publication.period_start.isoformat()
            if month in seen:
                errors.setdefault(f"{i}.period_start", []).append(
                    _("This month is given twice."))
            seen.add(month)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return len(payloads)


# --- Links of a programme of this instance to networks elsewhere ----------------------------

def network_link_set(*, programme: Programme, url: str, token: str, by: Any,
                     network_name: str = "", link: NetworkLink | None = None) -> NetworkLink:
    """Record (or change) where `programme` publishes its figures on another instance,
    with the token the network's coordinator gave. A blank token keeps the one kept."""
    token = (token or "").strip()
    link = link or NetworkLink(programme=programme, created_by=by)
    link.url = (url or "").strip().rstrip("/")
    link.network_name = (network_name or "").strip()[:200]
    if token:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200 or any(
                c.isspace() for c in token):
            raise ValidationError({"token": _(
                "A publication token starts with %(prefix)s: copy it whole from the "
                "network's page.") % {"prefix": TOKEN_PREFIX}})
        link.token = token
    if not link.token:
        raise ValidationError({"token": _("Give the publication token.")})
    if NetworkLink.objects.filter(programme=programme, url=link.url).exclude(
            pk=link.pk).exists():
        raise ValidationError({"url": _("This programme already publishes to this "
                                         "address.")})
    link.full_clean()
    link.save()
    return link


def network_link_delete(*, link: NetworkLink) -> None:
    """Stop publishing to that network (the token kept here is forgotten with it)."""
    link.delete()


def network_link_note(*, link: NetworkLink, error: str = "", count: int | None = None,
                      network_name: str = "") -> NetworkLink:
    """Note how the last attempt to reach the network went (`error` empty: it worked)."""
    now = timezone.now()
    link.last_attempt_at = now
    link.last_error = error[:500]
    fields = ["last_attempt_at", "last_error"]
    if not error:
        link.last_success_at = now
        fields.append("last_success_at")
    if count is not None:
        link.last_count = count
        fields.append("last_count")
    if network_name:
        link.network_name = network_name[:200]
        fields.append("network_name")
    # update_fields without full_clean(): times, a count and texts cut to their length.
    link.save(update_fields=fields)
    return link
