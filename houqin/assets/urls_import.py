"""Ledger import pages (joined into the "assets" namespace by houqin.assets.urls)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("assets/import/", views.ImportListView.as_view(), name="import_list"),
    path("assets/import/template/", views.ImportTemplateView.as_view(), name="import_template"),
    path("assets/import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path(
        "assets/import/<int:pk>/columns/", views.ImportColumnsView.as_view(), name="import_columns"
    ),
    path("assets/import/<int:pk>/names/", views.ImportNamesView.as_view(), name="import_names"),
    path("assets/import/<int:pk>/run/", views.ImportRunView.as_view(), name="import_run"),
    path(
        "assets/import/<int:pk>/progress/",
        views.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "assets/import/<int:pk>/errors/",
        views.ImportErrorReportView.as_view(),
        name="import_error_report",
    ),
]
