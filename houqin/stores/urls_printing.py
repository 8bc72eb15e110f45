"""Print shop (文印) routes (joined into the "stores" namespace)."""

from django.urls import path

from . import views_printing as views

urlpatterns = [
    path("printing/", views.MyPrintJobsView.as_view(), name="printjob_mine"),
    path("printing/new/", views.PrintJobFormView.as_view(), name="printjob_add"),
    path("printing/queue/", views.PrintQueueView.as_view(), name="printjob_queue"),
    path("printing/jobs/", views.PrintJobListView.as_view(), name="printjob_list"),
    path("printing/report/", views.PrintVolumeView.as_view(), name="printjob_report"),
    path("printing/settings/", views.PrintShopSettingsView.as_view(), name="printshop_settings"),
    path("printing/jobs/<int:pk>/", views.PrintJobDetailView.as_view(), name="printjob_detail"),
    path("printing/jobs/<int:pk>/edit/", views.PrintJobFormView.as_view(), name="printjob_edit"),
    path("printing/jobs/<int:pk>/slip/", views.PrintJobSlipView.as_view(), name="printjob_slip"),
    path(
        "printing/jobs/<int:pk>/action/<slug:action>/",
        views.PrintJobActionView.as_view(),
        name="printjob_action",
    ),
    path("printing/quotas/", views.PrintQuotaListView.as_view(), name="printquota_list"),
    path("printing/quotas/add/", views.PrintQuotaEditView.as_view(), name="printquota_add"),
    path(
        "printing/quotas/<int:pk>/edit/",
        views.PrintQuotaEditView.as_view(),
        name="printquota_edit",
    ),
    path(
        "printing/quotas/<int:pk>/delete/",
        views.PrintQuotaDeleteView.as_view(),
        name="printquota_delete",
    ),
]
