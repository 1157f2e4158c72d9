from django.urls import path

from . import household_views as h
from . import views

app_name = "matches"
S = "staff/<slug:slug>"
urlpatterns = [
    # Coordinators
    path(f"{S}/follow-up/", views.dashboard, name="dashboard"),
    path(f"{S}/matching/", views.matching, name="matching"),
    path(f"{S}/matching/<int:pk>/", views.run_detail, name="run"),
    path(f"{S}/matching/<int:pk>/send/", views.run_send, name="run_send"),
    path(f"{S}/matching/weights/", views.matching_weights, name="matching_weights"),
    path(f"{S}/matching/gaps/", views.recruitment_gaps, name="gaps"),
    path(f"{S}/proposals/", views.proposal_list, name="proposals"),
    path(f"{S}/proposals/send/", views.proposals_send, name="proposals_send"),
    path(f"{S}/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(f"{S}/proposals/<int:pk>/send/", views.proposal_send, name="proposal_send"),
    path(f"{S}/proposals/<int:pk>/discard/", views.proposal_discard, name="proposal_discard"),
    path(f"{S}/proposals/<int:pk>/family-answer/", views.proposal_family_answer,
         name="proposal_family_answer"),
    path(f"{S}/proposals/<int:pk>/volunteer-answer/", views.proposal_volunteer_answer,
         name="proposal_volunteer_answer"),
    path(f"{S}/families/<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path(f"{S}/families/<int:pk>/why-waiting/", views.why_waiting, name="why_waiting"),
    path(f"{S}/matches/", views.match_list, name="matches"),
    path(f"{S}/matches/<int:pk>/", views.match_detail, name="match"),
    path(f"{S}/matches/<int:pk>/introduction/", views.introduction_plan, name="intro_plan"),
    path(f"{S}/matches/<int:pk>/introduction/held/", views.introduction_held,
         name="intro_held"),
    path(f"{S}/matches/<int:pk>/pause/", views.match_pause, name="match_pause"),
    path(f"{S}/matches/<int:pk>/resume/", views.match_resume, name="match_resume"),
    path(f"{S}/matches/<int:pk>/end/", views.match_end, name="match_end"),
    path(f"{S}/matches/<int:pk>/dealt-with/", views.match_clear, name="match_clear"),
    path(f"{S}/matches/<int:pk>/mediator/", views.match_mediator, name="match_mediator"),
    path(f"{S}/pause-all/", views.pause_all, name="pause_all"),
    path(f"{S}/check-ins/", views.checkins_overdue, name="checkins_overdue"),
    # Volunteer households (logged in)
    path("me/", h.volunteer_home, name="volunteer_home"),
    path("me/proposals/<int:pk>/answer/", h.volunteer_answer, name="volunteer_answer"),
    path("me/matches/<int:pk>/", h.volunteer_match, name="volunteer_match"),
    path("me/matches/<int:pk>/activity/", h.volunteer_activity, name="volunteer_activity"),
    path("me/matches/<int:pk>/help/", h.volunteer_help, name="volunteer_help"),
    path("me/check-ins/<int:pk>/", h.volunteer_checkin, name="volunteer_checkin"),
    # Families, through their personal link: voisins.familypages owns f/<token>/ (the link,
    # the family's home, the kind page for a stale link); these are the match-life pages.
    path("f/<str:token>/neighbour/", h.family_proposal, name="family_proposal"),
    path("f/<str:token>/proposals/<int:pk>/answer/", h.family_answer, name="family_answer"),
    path("f/<str:token>/check-ins/", h.family_checkin, name="family_checkin"),
    path("f/<str:token>/check-ins/<int:pk>/", h.family_checkin_answer,
         name="family_checkin_answer"),
    path("f/<str:token>/activity/", h.family_activity, name="family_activity"),
    path("f/<str:token>/help/", h.family_help, name="family_help"),
    # Volunteers' check-in links from e-mails
    path("check-in/<str:token>/", h.checkin_link, name="checkin_link"),
    # Volunteer households, through their personal link: voisins.portal owns v/<token>/
    # (their home, trainings, events, data, password); these are the match-life pages.
    path("v/<str:token>/proposals/", h.volunteer_link_proposals,
         name="volunteer_link_proposals"),
    path("v/<str:token>/proposals/<int:pk>/answer/", h.volunteer_link_answer,
         name="volunteer_link_answer"),
    path("v/<str:token>/matches/<int:pk>/", h.volunteer_link_match, name="volunteer_link_match"),
    path("v/<str:token>/matches/<int:pk>/activity/", h.volunteer_link_activity,
         name="volunteer_link_activity"),
    path("v/<str:token>/matches/<int:pk>/help/", h.volunteer_link_help,
         name="volunteer_link_help"),
    path("v/<str:token>/check-ins/<int:pk>/", h.volunteer_link_checkin,
         name="volunteer_link_checkin"),
]
