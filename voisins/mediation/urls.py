from django.urls import path

from . import views

app_name = "mediation"
S = "staff/<slug:slug>/cases"
urlpatterns = [
    path(f"{S}/", views.case_list, name="cases"),
    path(f"{S}/new/", views.case_new, name="case_new"),
    path(f"{S}/<int:pk>/", views.case_detail, name="case"),
    path(f"{S}/<int:pk>/note/", views.case_note, name="case_note"),
    path(f"{S}/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path(f"{S}/<int:pk>/resolve/", views.case_resolve, name="case_resolve"),
    path(f"{S}/<int:pk>/callbacks/<int:callback_pk>/done/", views.callback_done,
         name="callback_done"),
]
