from django.urls import path

from . import link_views, views

app_name = "networks"
N = "<slug:network>"
urlpatterns = [
    path("", views.network_list, name="list"),
    # A programme of this instance publishing to a network run on another instance (before
    # the network's own paths: "links" is not a network).
    path("links/<slug:slug>/", link_views.links, name="links"),
    path(f"{N}/", views.network_home, name="home"),
    path(f"{N}/staff/", views.staff_add, name="staff_add"),
    path(f"{N}/staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path(f"{N}/members/remote/", views.remote_add, name="remote_add"),
    path(f"{N}/members/<int:pk>/token/", views.token_issue, name="token_issue"),
    path(f"{N}/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(f"{N}/close/", views.period_close, name="period_close"),
    path(f"{N}/dashboard/", views.dashboard, name="dashboard"),
    path(f"{N}/report.<str:extension>", views.report, name="report"),
    path(f"{N}/practice-sheet/", views.practice_sheet, name="practice_sheet"),
    # A programme's page of networks (its coordinator).
    path("programme/<slug:slug>/", views.programme_networks, name="programme"),
    path("programme/<slug:slug>/<int:pk>/named/", views.programme_named, name="named"),
    path("programme/<slug:slug>/<int:pk>/leave/", views.programme_leave, name="leave"),
]
