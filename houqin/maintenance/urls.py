"""Repair pages (namespace "maintenance"); included at "" so the QR URL stays short: /r/<token>/."""

from django.urls import path

from . import (
    views,
    views_dashboard,
    views_dispatch,
    views_plans,
    views_print,
    views_public_asset,
)

app_name = "maintenance"
urlpatterns = [
    path("r/<str:token>/", views.PublicReportView.as_view(), name="public_report"),
    path("r/<str:token>/thanks/", views.public_thanks, name="public_thanks"),
    path(
        "r/a/<str:token>/",
        views_public_asset.PublicAssetReportView.as_view(),
        name="public_asset_report",
    ),
    path(
        "r/a/<str:token>/thanks/",
        views_public_asset.public_asset_thanks,
        name="public_asset_thanks",
    ),
    path("repairs/", views.WorkOrderListView.as_view(), name="workorder_list"),
    path("repairs/add/", views.WorkOrderAddView.as_view(), name="workorder_add"),
    path("repairs/queue/", views.MyQueueView.as_view(), name="my_queue"),
    path("repairs/pool/", views_dispatch.PoolView.as_view(), name="pool"),
    path("repairs/bulk-assign/", views_dispatch.BulkAssignView.as_view(), name="bulk_assign"),
    path("repairs/settings/", views_dispatch.SettingsView.as_view(), name="settings"),
    path("repairs/dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("repairs/posters/", views_print.RoomPostersView.as_view(), name="room_posters"),
    path("repairs/plans/", views_plans.PlanListView.as_view(), name="plan_list"),
    path("repairs/plans/add/", views_plans.PlanCreateView.as_view(), name="plan_add"),
    path("repairs/plans/<int:pk>/", views_plans.PlanDetailView.as_view(), name="plan_detail"),
    path("repairs/plans/<int:pk>/edit/", views_plans.PlanEditView.as_view(), name="plan_edit"),
    path(
        "repairs/plans/<int:pk>/generate/",
        views_plans.PlanGenerateView.as_view(),
        name="plan_generate",
    ),
    path("repairs/<int:pk>/", views.WorkOrderDetailView.as_view(), name="workorder_detail"),
    path("repairs/<int:pk>/print/", views_print.WorkOrderSlipView.as_view(), name="workorder_print"),
    path(
        "repairs/<int:pk>/action/<slug:action>/",
        views.WorkOrderActionView.as_view(),
        name="workorder_action",
    ),
]
