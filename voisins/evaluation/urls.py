from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("<slug:slug>/import-matches/", views.import_matches_page, name="import_matches"),
]
urlpatterns += [
    path("<slug:slug>/persistence/", views.persistence_page, name="persistence"),
]
urlpatterns += [
    path("<slug:slug>/", views.dashboard_page, name="dashboard"),
]
urlpatterns += [
    path("<slug:slug>/surveys/", views.surveys_page, name="surveys"),
    path("<slug:slug>/surveys/results/", views.survey_results_page, name="survey_results"),
    path("<slug:slug>/surveys/<int:match>/<int:child>/<str:wave>/", views.survey_answer_page,
         name="survey_answer"),
    # Families, through their personal link (voisins.familypages).
    path("f/<str:token>/questions/", views.family_surveys_page, name="family_surveys"),
    path("f/<str:token>/questions/<int:child>/<str:wave>/", views.family_survey_answer_page,
         name="family_survey_answer"),
]
urlpatterns += [
    path("<slug:slug>/reports/", views.reports_page, name="reports"),
]
urlpatterns += [
    path("<slug:slug>/meetings/", views.meetings_page, name="meetings"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("feedback/<str:token>/", views.feedback_page, name="feedback"),
]
urlpatterns += [
    path("<slug:slug>/practice-sheet/", views.practice_sheet_page, name="practice_sheet"),
]
