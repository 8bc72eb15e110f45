"""Catalogue routes: items, categories, stores, stock by hand, the ledger, reorder
suggestions and the stock reports."""

from django.urls import path

from . import views_catalogue as views
from . import views_stock_reports as reports

urlpatterns = [
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("items/add/", views.ItemEditView.as_view(), name="item_add"),
    path("items/import/", views.ItemImportView.as_view(), name="item_import"),
    path("items/import/template/", views.item_import_template, name="item_import_template"),
    path("items/import/report/<str:token>/", views.item_import_report, name="item_import_report"),
    path("items/export/", views.item_export, name="item_export"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/add/", views.CategoryEditView.as_view(), name="category_add"),
    path("categories/<int:pk>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("stores/", views.StoreListView.as_view(), name="store_list"),
    path("stores/add/", views.StoreEditView.as_view(), name="store_add"),
    path("stores/<int:pk>/edit/", views.StoreEditView.as_view(), name="store_edit"),
    path("stock/moves/", views.MoveListView.as_view(), name="move_list"),
    path("stock/receive/", views.ReceiveView.as_view(), name="stock_receive"),
    path("stock/transfer/", views.TransferView.as_view(), name="stock_transfer"),
    path("stock/reorder/", views.ReorderView.as_view(), name="reorder"),
    path("reports/valuation/", reports.ValuationView.as_view(), name="report_valuation"),
    path("reports/consumption/", reports.ConsumptionView.as_view(), name="report_consumption"),
    path("reports/slow-moving/", reports.SlowMovingView.as_view(), name="report_slow_moving"),
]
