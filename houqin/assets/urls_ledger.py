"""Depreciation and ledger pages (joined into the "assets" namespace by ``urls``)."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("assets/ledger/", views_ledger.LedgerView.as_view(), name="ledger"),
    path("assets/ledger/run/", views_ledger.RunDepreciationView.as_view(), name="ledger_run"),
    path(
        "assets/ledger/runs/<int:pk>/",
        views_ledger.RunDetailView.as_view(),
        name="ledger_run_detail",
    ),
]
