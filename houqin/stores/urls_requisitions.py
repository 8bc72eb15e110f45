"""Requisition (领用) and quota routes (joined into the "stores" namespace, under /stores/)."""

from django.urls import path

from . import views_requisitions as views

urlpatterns = [
    path("requisitions/", views.RequisitionListView.as_view(), name="requisition_list"),
    path("requisitions/add/", views.RequisitionFormView.as_view(), name="requisition_add"),
    path("requisitions/to-issue/", views.IssueQueueView.as_view(), name="requisition_queue"),
    path(
        "requisitions/<int:pk>/", views.RequisitionDetailView.as_view(), name="requisition_detail"
    ),
    path(
        "requisitions/<int:pk>/edit/",
        views.RequisitionFormView.as_view(),
        name="requisition_edit",
    ),
    path(
        "requisitions/<int:pk>/issue/", views.IssueView.as_view(), name="requisition_issue"
    ),
    path(
        "requisitions/<int:pk>/action/<slug:action>/",
        views.RequisitionActionView.as_view(),
        name="requisition_action",
    ),
    path("requisitions/quotas/", views.QuotaListView.as_view(), name="quota_list"),
    path("requisitions/quotas/add/", views.QuotaEditView.as_view(), name="quota_add"),
    path("requisitions/quotas/<int:pk>/edit/", views.QuotaEditView.as_view(), name="quota_edit"),
    path(
        "requisitions/quotas/<int:pk>/delete/",
        views.QuotaDeleteView.as_view(),
        name="quota_delete",
    ),
]
