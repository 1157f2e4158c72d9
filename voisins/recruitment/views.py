"""Recruitment pages: the public site of a programme (anyone) and the coordinators'
pages for news, campaigns, the funnel, screening, the charter and referrals."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.feedback import save_form
from voisins.households.models import VolunteerHousehold
from voisins.households.selectors import household_records
from voisins.households.status import VolunteerStatus
from voisins.lists.pages import render_list
from voisins.privacy.selectors import current_notice
from voisins.programmes.models import Programme

from . import drawing, selectors, services, tokens
from .filters import ReferralFilter
from .forms import (
    CampaignForm,
    CharterForm,
    DecisionForm,
    InterviewForm,
    NewsPostForm,
    PublicTextForm,
    ReferralForm,
    SignupForm,
)
from .models import PUBLIC_LANGUAGES, Campaign, NewsPost, Signup
from .ratelimit import hit, hit_value

SIGNUP_LIMIT, SIGNUP_WINDOW = 5, 3600
CONFIRMATIONS_PER_ADDRESS, CONFIRMATIONS_WINDOW = 3, 24 * 3600
OG_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}


# --- Public pages -----------------------------------------------------------------------

def _public(request: HttpRequest, slug: str) -> tuple[Programme, str]:
    """The programme of a public page, in the language asked for (?lang=) or the visitor's."""
    programme = get_object_or_404(Programme, slug=slug)
    language = selectors.public_language(request.GET.get("lang"), translation.get_language())
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return programme, language


def _share(request: HttpRequest, programme: Programme, language: str, path: str,
           title: str, description: str) -> dict:
    """What the Open Graph and Twitter card tags of a public page need."""
    url = request.build_absolute_uri(path)
    return {
        "share_title": title, "share_description": " ".join(description.split())[:300],
        "share_url": f"{url}?lang={language}",
        "share_image": request.build_absolute_uri(
            reverse("recruitment:share_image", args=[programme.slug]) + f"?lang={language}"),
        "og_locale": OG_LOCALES[language],
        "og_alternates": [(code, OG_LOCALES[code], f"{url}?lang={code}")
                          for code, _name in PUBLIC_LANGUAGES if code != language],
        "feed_url": request.build_absolute_uri(
            reverse("recruitment:feed", args=[programme.slug]) + f"?lang={language}"),
    }


def public_home(request: HttpRequest, slug: str) -> HttpResponse:
    programme, language = _public(request, slug)
    text = selectors.public_text(programme, language)
    return render(request, "recruitment/public_home.html", {
        "programme": programme, "language": language, "text": text,
        # The referral form is for the programme's referrers and coordinators (anyone else
        # logged in would find no page there); a visitor is asked to log in first.
        "can_refer": (not request.user.is_authenticated
                      or access.can(request.user, "refer_families", programme)),
        "posts": selectors.news_posts(programme, language)[:5],
        **_share(request, programme, language, request.path, programme.name,
                 text.tagline if text else programme.name),
    })


def public_news(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme, language = _public(request, slug)
    post = get_object_or_404(NewsPost, programme=programme, pk=pk)
    return render(request, "recruitment/public_news.html", {
        "programme": programme, "language": language, "post": post,
        **_share(request, programme, post.language, request.path, post.title,
                 post.summary or post.body),
    })


def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    programme, language = _public(request, slug)
    text = selectors.public_text(programme, language)
    png = drawing.share_image_png(programme.name, text.tagline if text else "")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def public_privacy(request: HttpRequest, slug: str) -> HttpResponse:
    programme, language = _public(request, slug)
    return render(request, "recruitment/public_privacy.html", {
        "programme": programme, "notice": current_notice(programme.pk)})


def _count_visit(request: HttpRequest, programme: Programme, campaign: Campaign | None) -> None:
    seen = request.session.get("voisins_visits", [])
    key = f"{programme.pk}:{campaign.pk if campaign else 0}"
    if key not in seen:
        services.visit_record(programme=programme, campaign=campaign)
        request.session["voisins_visits"] = [*seen, key][-50:]


def campaign_link(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The tracked link of a campaign: count the visit, remember the campaign, go to the form."""
    programme = get_object_or_404(Programme, slug=slug)
    if "\x00" in code:
        raise Http404
    campaign = get_object_or_404(Campaign, programme=programme, code=code)
    if campaign.active:
        _count_visit(request, programme, campaign)
        campaigns = request.session.get("voisins_campaign", {})
        campaigns[str(programme.pk)] = campaign.pk
        request.session["voisins_campaign"] = campaigns
    query = f"?lang={request.GET['lang']}" if request.GET.get("lang") else ""
    return redirect(reverse("recruitment:join", args=[programme.slug]) + query)


def join(request: HttpRequest, slug: str) -> HttpResponse:
    """The volunteer sign-up form."""
    programme, language = _public(request, slug)
    campaign_id = request.session.get("voisins_campaign", {}).get(str(programme.pk))
    campaign = selectors.campaign_of_programme(programme=programme, pk=campaign_id)
    if request.method == "POST":
        form = SignupForm(request.POST, programme=programme)
        if form.is_spam:
            # A robot filled the hidden field: answer as if all went well, keep nothing.
            return render(request, "recruitment/join_sent.html", {"programme": programme})
        if form.is_valid():
            # Only sign-ups that would be kept count: someone correcting mistakes in the
            # form is never locked out; a flood of valid-looking sign-ups is.
            if not hit(f"signup:{programme.pk}", request, limit=SIGNUP_LIMIT,
                       window=SIGNUP_WINDOW):
                return render(request, "recruitment/join_limited.html",
                              {"programme": programme}, status=429)
            # A few confirmation mails a day to one address, whoever asks and from
            # wherever: the same answer, so that nobody learns more by asking again.
            if not hit_value("signup-confirm", form.cleaned_data["email"],
                             limit=CONFIRMATIONS_PER_ADDRESS, window=CONFIRMATIONS_WINDOW):
                return render(request, "recruitment/join_sent.html", {"programme": programme})
            services.signup_submit(
                programme=programme, data=form.household_data(), campaign=campaign,
                language=language, confirm_url_for=lambda token: request.build_absolute_uri(
                    reverse("recruitment:confirm", args=[programme.slug, token])))
            return render(request, "recruitment/join_sent.html", {"programme": programme})
    else:
        form = SignupForm(programme=programme)
        if campaign is None:
            _count_visit(request, programme, None)
    return render(request, "recruitment/join.html", {
        "programme": programme, "form": form, "language": language,
        "notice": current_notice(programme.pk)})


def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link of the confirmation mail. GET asks (mail scanners follow links); POST does."""
    programme, _language = _public(request, slug)
    try:
        signup = tokens.signup_from_token(token)
    except (signing.BadSignature, Signup.DoesNotExist):
        return render(request, "recruitment/confirm_invalid.html",
                      {"programme": programme}, status=400)
    if signup.programme_id != programme.pk:
        raise Http404
    if request.method == "POST":
        first_time = signup.confirmed_at is None
        try:
            signup = services.signup_confirm(signup=signup)
        except ValidationError:
            # Kept before the form checked what the household refuses (a phone "04701"):
            # it can never become a household; signing up again can.
            return render(request, "recruitment/confirm_invalid.html",
                          {"programme": programme}, status=400)
        user = signup.volunteer.user if signup.volunteer else None
        # The link proves the address; it logs in only a fresh volunteer account, never
        # a staff account (which has a password and maybe a second factor).
        if first_time and user is not None and access.is_bare_account(user):
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Thank you: your sign-up is confirmed."))
            return redirect("portal:home")
        return render(request, "recruitment/confirm_done.html", {"programme": programme})
    return render(request, "recruitment/confirm.html", {
        "programme": programme, "signup": signup})


# --- Coordinators' pages ----------------------------------------------------------------

TO_SCREEN_SHOWN = 30


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "view_funnel")
    rows = selectors.funnel(programme, by="campaign")
    total = selectors.funnel_total(rows)
    channel_rows = selectors.funnel(programme, by="channel")
    if not access.can(request.user, "view_small_counts", programme):
        [total], rows, channel_rows = (selectors.funnel_without_small(r) for r in (
            [total], rows, channel_rows))
    to_screen = (selectors.volunteers_to_screen(programme)
                 if access.can(request.user, "screen_volunteers", programme) else None)
    return render(request, "recruitment/overview.html", {
        "programme": programme, "rows": rows, "total": total,
        "channel_rows": channel_rows,
        "stages": selectors.STAGES,
        "can_manage": access.can(request.user, "manage_recruitment", programme),
        "languages": PUBLIC_LANGUAGES,
        # The oldest first, a page of them; the volunteers list has them all.
        "to_screen": None if to_screen is None else list(to_screen[:TO_SCREEN_SHOWN]),
        "to_screen_total": 0 if to_screen is None else to_screen.count(),
    })


@login_required
def funnel_chart(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "view_funnel")
    by = "channel" if request.GET.get("by") == "channel" else "campaign"
    rows = selectors.funnel(programme, by=by)
    campaign = request.GET.get("campaign", "")
    if campaign:
        rows = [row for row in rows if row.key == campaign]
    if not access.can(request.user, "view_small_counts", programme):
        rows = selectors.funnel_without_small(rows)  # drawn as 0, like the dashboard's
    title = _("Sign-up funnel by channel") if by == "channel" else _(
        "Sign-up funnel by campaign")
    return HttpResponse(drawing.funnel_svg(rows, title), content_type="image/svg+xml")


@login_required
def public_text_edit(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    if language not in dict(PUBLIC_LANGUAGES):
        raise Http404
    instance = programme.public_texts.filter(language=language).first()
    form = PublicTextForm(request.POST or None, instance=instance)
    if save_form(request, form, lambda: services.public_text_save(
            programme=programme, language=language, **form.cleaned_data),
            _("The public page was saved.")):
        return redirect("recruitment:overview", slug=programme.slug)
    return render(request, "recruitment/form_page.html", {
        "programme": programme, "form": form,
        "title": _("Public page (%(language)s)") % {"language": dict(PUBLIC_LANGUAGES)[language]},
    })


@login_required
def news_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    form = NewsPostForm(request.POST or None,
                        initial={"language": translation.get_language()})
    if save_form(request, form, lambda: services.news_post_create(
            programme=programme, author=request.user, **form.cleaned_data),
            _("The news post is published.")):
        return redirect("recruitment:news", slug=programme.slug)
    return render(request, "recruitment/news_list.html", {
        "programme": programme, "form": form,
        "posts": selectors.news_posts_recent(programme=programme)})


@login_required
def news_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    post = get_object_or_404(NewsPost, programme=programme, pk=pk)
    form = NewsPostForm(request.POST or None, instance=post)
    if save_form(request, form, lambda: services.news_post_update(
            post=post, **form.cleaned_data),
            _("The news post was saved.")):
        return redirect("recruitment:news", slug=programme.slug)
    return render(request, "recruitment/form_page.html", {
        "programme": programme, "form": form, "title": _("Edit a news post")})


@login_required
def campaign_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    form = CampaignForm(request.POST or None, programme=programme,
                        initial=selectors.campaign_from_gap(request.GET))
    if saved := save_form(request, form, lambda: services.campaign_create(
            programme=programme, by=request.user, **form.cleaned_data)):
        return redirect("recruitment:campaign", slug=programme.slug, pk=saved.value.pk)
    return render(request, "recruitment/campaign_list.html", {
        "programme": programme, "form": form,
        "campaigns": selectors.campaigns_of_programme(programme=programme)})


def _tracked_url(request: HttpRequest, campaign: Campaign) -> str:
    return request.build_absolute_uri(
        reverse("recruitment:campaign_link", args=[campaign.programme.slug, campaign.code]))


@login_required
def campaign_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    campaign = get_object_or_404(Campaign, programme=programme, pk=pk)
    row = next((r for r in selectors.funnel(programme) if r.key == str(campaign.pk)), None)
    return render(request, "recruitment/campaign_detail.html", {
        "programme": programme, "campaign": campaign, "url": _tracked_url(request, campaign),
        "target": selectors.campaign_target(campaign),
        "steps": [(label, n) for (_stage, label), n in
                  zip(selectors.STAGES, row.values if row else [0] * 5, strict=True)]})


@login_required
def campaign_qr(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_recruitment")
    campaign = get_object_or_404(Campaign, programme=programme, pk=pk)
    if kind not in ("png", "svg"):
        raise Http404
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(drawing.qr_code(_tracked_url(request, campaign), kind),
                            content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="campaign-{campaign.pk}-qr.{kind}"')
    return response


@login_required
def charter_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "screen_volunteers")
    form = CharterForm(request.POST or None)
    if save_form(request, form, lambda: services.charter_publish(
            programme=programme, **form.cleaned_data),
            _("The new version of the charter is published.")):
        return redirect("recruitment:charter", slug=programme.slug)
    return render(request, "recruitment/charter.html", {
        "programme": programme, "form": form, "charters": programme.charters.all()})


@login_required
def screening_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "screen_volunteers")
    volunteer = access.record_or_404(household_records(model=VolunteerHousehold),
                                     request.user, "screen_volunteers", pk=pk,
                                     programme=programme)
    screening = selectors.screening_of(volunteer=volunteer)
    labels = dict(VolunteerStatus.choices)
    form = InterviewForm(request.POST or None, initial={
        f: getattr(screening, f) for f in InterviewForm.base_fields} if screening else None)
    if save_form(request, form, lambda: services.screening_update(
            volunteer=volunteer, **form.cleaned_data),
            _("The screening was saved.")):
        return redirect("recruitment:screening", slug=programme.slug, pk=volunteer.pk)
    return render(request, "recruitment/screening.html", {
        "programme": programme, "volunteer": volunteer, "screening": screening, "form": form,
        "decision_form": DecisionForm(), "charter": selectors.current_charter(programme),
        "history": [(c.changed_at, labels.get(c.from_status, c.from_status),
                     labels.get(c.to_status, c.to_status), c.note)
                    for c in volunteer.status_changes.all()]})


@login_required
@require_POST
def screening_charter(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A coordinator records that the household accepted the charter (on paper, say)."""
    programme = access.programme_or_404(request.user, slug, "screen_volunteers")
    volunteer = access.record_or_404(household_records(model=VolunteerHousehold),
                                     request.user, "screen_volunteers", pk=pk,
                                     programme=programme)
    try:
        services.screening_accept_charter(volunteer=volunteer)
        messages.success(request, _("The charter is recorded as accepted."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("recruitment:screening", slug=programme.slug, pk=volunteer.pk)


@login_required
@require_POST
def screening_decision(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "screen_volunteers")
    volunteer = access.record_or_404(household_records(model=VolunteerHousehold),
                                     request.user, "screen_volunteers", pk=pk,
                                     programme=programme)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Decision: choose to accept or decline."))
    else:
        try:
            services.screening_decide(volunteer=volunteer, by=request.user,
                                      decision=form.cleaned_data["decision"],
                                      note=form.cleaned_data["note"])
            messages.success(request, _("The decision is recorded."))
        except ValidationError as exc:
            labels = {"interview_held_at": _("Interview held on"), "charter": _("Charter"),
                      "decision": _("Decision"), "status": _("Status")}
            for name, errors in exc.message_dict.items():
                for message in errors:
                    messages.error(request, f"{labels.get(name, name)}: {message}")
    return redirect("recruitment:screening", slug=programme.slug, pk=volunteer.pk)


@login_required
def referral_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "refer_families")
    everyone = access.can(request.user, "view_households", programme)
    filterset = ReferralFilter(request.GET, queryset=selectors.referrals_of(
        programme=programme, user=request.user, everyone=everyone))
    return render_list(request, template="recruitment/referral_list.html",
                       rows="recruitment/_referral_rows.html", filterset=filterset,
                       context={"programme": programme}, export="referrals",
                       rows_of=selectors.referral_list_rows)


@login_required
def referral_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "refer_families")
    form = ReferralForm(request.POST or None, programme=programme)
    if save_form(request, form, lambda: services.referral_create(
            programme=programme, referrer=request.user, **form.family_data()),
            _("Thank you: the family is referred.")):
        return redirect("recruitment:referrals", slug=programme.slug)
    return render(request, "recruitment/form_page.html", {
        "programme": programme, "form": form, "title": _("Refer a family"),
        "intro": _("Only what the coordinators need to find a volunteer household nearby. "
                   "You will see how the referral is going, nothing more.")})
