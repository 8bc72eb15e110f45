"""Stock-take pages (joined into the "assets" namespace by houqin/assets/urls.py)."""

from django.urls import path

from . import documents_stocktake  # noqa: F401  (the approval handlers, whatever loads first)
from . import views_stocktake as views

urlpatterns = [
    path("assets/stocktakes/", views.StockTakeListView.as_view(), name="stocktake_list"),
    path("assets/stocktakes/add/", views.StockTakeAddView.as_view(), name="stocktake_add"),
    path(
        "assets/stocktakes/<int:pk>/",
        views.StockTakeDetailView.as_view(),
        name="stocktake_detail",
    ),
    path(
        "assets/stocktakes/<int:pk>/progress/",
        views.StockTakeProgressView.as_view(),
        name="stocktake_progress",
    ),
    path(
        "assets/stocktakes/<int:pk>/scan/",
        views.StockTakeScanView.as_view(),
        name="stocktake_scan",
    ),
    path(
        "assets/stocktakes/<int:pk>/lines/",
        views.StockTakeLinesView.as_view(),
        name="stocktake_lines",
    ),
    path(
        "assets/stocktakes/<int:pk>/report/",
        views.StockTakeReportView.as_view(),
        name="stocktake_report",
    ),
    path(
        "assets/stocktakes/<int:pk>/report.xlsx",
        views.StockTakeExportView.as_view(),
        name="stocktake_export",
    ),
    path(
        "assets/stocktakes/<int:pk>/<slug:action>/",
        views.StockTakeActionView.as_view(),
        name="stocktake_action",
    ),
]
