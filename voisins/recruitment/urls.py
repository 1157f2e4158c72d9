from django.urls import path

from . import feeds, views

app_name = "recruitment"
urlpatterns = [
    # Public site of a programme
    path("p/<slug:slug>/", views.public_home, name="public"),
    path("p/<slug:slug>/news/<int:pk>/", views.public_news, name="public_news"),
    path("p/<slug:slug>/news/feed/", feeds.AtomNewsFeed(), name="feed"),
    path("p/<slug:slug>/news/rss/", feeds.NewsFeed(), name="rss"),
    path("p/<slug:slug>/share.png", views.share_image, name="share_image"),
    path("p/<slug:slug>/privacy/", views.public_privacy, name="privacy"),
    path("p/<slug:slug>/join/", views.join, name="join"),
    path("p/<slug:slug>/c/<str:code>/", views.campaign_link, name="campaign_link"),
    path("p/<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    # Coordinators
    path("recruitment/<slug:slug>/", views.overview, name="overview"),
    path("recruitment/<slug:slug>/funnel.svg", views.funnel_chart, name="funnel_chart"),
    path("recruitment/<slug:slug>/public/<str:language>/", views.public_text_edit,
         name="public_text"),
    path("recruitment/<slug:slug>/news/", views.news_list, name="news"),
    path("recruitment/<slug:slug>/news/<int:pk>/", views.news_edit, name="news_edit"),
    path("recruitment/<slug:slug>/campaigns/", views.campaign_list, name="campaigns"),
    path("recruitment/<slug:slug>/campaigns/<int:pk>/", views.campaign_detail,
         name="campaign"),
    path("recruitment/<slug:slug>/campaigns/<int:pk>/qr.<str:kind>", views.campaign_qr,
         name="campaign_qr"),
    path("recruitment/<slug:slug>/charter/", views.charter_page, name="charter"),
    path("recruitment/<slug:slug>/volunteers/<int:pk>/screening/", views.screening_page,
         name="screening"),
    path("recruitment/<slug:slug>/volunteers/<int:pk>/screening/charter/",
         views.screening_charter, name="screening_charter"),
    path("recruitment/<slug:slug>/volunteers/<int:pk>/screening/decision/",
         views.screening_decision, name="screening_decision"),
    path("recruitment/<slug:slug>/referrals/", views.referral_list, name="referrals"),
    path("recruitment/<slug:slug>/referrals/new/", views.referral_new, name="referral_new"),
]
