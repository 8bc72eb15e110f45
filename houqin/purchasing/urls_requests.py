"""Routes of budgets, purchase requests, quotes and the purchasing settings (joined by
``urls.py`` under /purchasing/, namespace "purchasing")."""

from django.urls import path

from . import views_budgets as budgets
from . import views_requests as views

urlpatterns = [
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/add/", views.RequestFormView.as_view(), name="request_add"),
    path(
        "requests/from-reorder/",
        views.RequestFromReorderView.as_view(),
        name="request_from_reorder",
    ),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/edit/", views.RequestFormView.as_view(), name="request_edit"),
    path("requests/<int:pk>/print/", views.RequestPrintView.as_view(), name="request_print"),
    path(
        "requests/<int:pk>/action/<slug:action>/",
        views.RequestActionView.as_view(),
        name="request_action",
    ),
    path("settings/", views.SettingsView.as_view(), name="purchasing_settings"),
    path("budgets/", budgets.BudgetGridView.as_view(), name="budget_grid"),
    path("budgets/lines/", budgets.BudgetListView.as_view(), name="budget_list"),
    path("budgets/lines/add/", budgets.BudgetEditView.as_view(), name="budget_add"),
    path("budgets/lines/<int:pk>/edit/", budgets.BudgetEditView.as_view(), name="budget_edit"),
    path("budgets/import/", budgets.BudgetImportView.as_view(), name="budget_import"),
    path(
        "budgets/import/template/",
        budgets.budget_import_template,
        name="budget_import_template",
    ),
    path(
        "budgets/import/report/<str:token>/",
        budgets.budget_import_report,
        name="budget_import_report",
    ),
    path("budgets/export/", budgets.budget_export, name="budget_export"),
    path("budgets/categories/", budgets.CategoryListView.as_view(), name="budget_categories"),
]
