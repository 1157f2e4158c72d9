from django.urls import path

from . import household_views as h
from . import views

app_name = "expenses"
S = "staff/<slug:slug>/expenses"
urlpatterns = [
    # Coordinators
    path(f"{S}/", views.expense_list, name="list"),
    path(f"{S}/<int:pk>/approve/", views.expense_approve, name="approve"),
    path(f"{S}/<int:pk>/refuse/", views.expense_refuse, name="refuse"),
    path(f"{S}/regime/", views.regime_set, name="regime"),
    path(f"{S}/close-year/", views.year_close, name="close_year"),
    path(f"{S}/statements/<int:pk>/<int:year>/", views.statement, name="statement"),
    path(f"{S}/export/<int:year>.<str:extension>", views.export, name="export"),
    # Volunteer households: their portal, their personal link.
    path("volunteer/expenses/", h.portal_expenses, name="portal"),
    path("v/<str:token>/expenses/", h.link_expenses, name="link"),
]
