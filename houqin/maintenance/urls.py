"""Repair pages (namespace "maintenance"); included at "" so the QR URL stays short: /r/<token>/."""

from django.urls import path

from . import views

app_name = "maintenance"
urlpatterns = [
    path("r/<str:token>/", views.PublicReportView.as_view(), name="public_report"),
    path("r/<str:token>/thanks/", views.public_thanks, name="public_thanks"),
    path("repairs/", views.WorkOrderListView.as_view(), name="workorder_list"),
    path("repairs/add/", views.WorkOrderAddView.as_view(), name="workorder_add"),
    path("repairs/queue/", views.MyQueueView.as_view(), name="my_queue"),
    path("repairs/<int:pk>/", views.WorkOrderDetailView.as_view(), name="workorder_detail"),
    path(
        "repairs/<int:pk>/action/<slug:action>/",
        views.WorkOrderActionView.as_view(),
        name="workorder_action",
    ),
]
