from django.urls import path

from .views import approvals

urlpatterns = [
    path("approvals/", approvals.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/panel/", approvals.approval_panel, name="approval_panel"),
    path("approvals/<int:pk>/approve/", approvals.approval_approve, name="approval_approve"),
    path("approvals/<int:pk>/reject/", approvals.approval_reject, name="approval_reject"),
    path("approvals/<int:pk>/return/", approvals.approval_return, name="approval_return"),
]
