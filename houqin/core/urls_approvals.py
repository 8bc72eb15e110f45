from django.urls import path

from .views import approval_settings, approvals

urlpatterns = [
    path("approvals/", approvals.approval_inbox, name="approval_inbox"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/panel/", approvals.approval_panel, name="approval_panel"),
    path("approvals/<int:pk>/approve/", approvals.approval_approve, name="approval_approve"),
    path("approvals/<int:pk>/reject/", approvals.approval_reject, name="approval_reject"),
    path("approvals/<int:pk>/return/", approvals.approval_return, name="approval_return"),
    path("approvals/<int:pk>/withdraw/", approvals.approval_withdraw, name="approval_withdraw"),
    # Settings: policies per document type, and delegations while someone is away.
    path(
        "approvals/policies/",
        approval_settings.approval_policy_list,
        name="approval_policy_list",
    ),
    path(
        "approvals/policies/<str:doc_type>/edit/",
        approval_settings.approval_policy_edit,
        name="approval_policy_edit",
    ),
    path("approvals/delegations/", approval_settings.delegation_list, name="delegation_list"),
    path("approvals/delegations/add/", approval_settings.delegation_add, name="delegation_add"),
    path(
        "approvals/delegations/<int:pk>/end/",
        approval_settings.delegation_delete,
        name="delegation_delete",
    ),
]
