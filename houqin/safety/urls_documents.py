"""Pages: regulations, emergency plans, acknowledgements and drills."""

from django.urls import path

from . import views_documents as documents
from . import views_drills as drills

urlpatterns = [
    path("documents/", documents.DocumentListView.as_view(), name="document_list"),
    path("documents/add/", documents.document_edit, name="document_add"),
    path("documents/register/", documents.document_register, name="document_register"),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/versions/add/", documents.version_add, name="document_version_add"),
    path("documents/<int:pk>/read/", documents.acknowledge, name="document_acknowledge"),
    path("documents/<int:pk>/readers/", documents.document_readers, name="document_readers"),
    path("drills/", drills.DrillListView.as_view(), name="drill_list"),
    path("drills/add/", drills.drill_add, name="drill_add"),
    path("drills/register/", drills.drill_register, name="drill_register"),
    path("drills/<int:pk>/", drills.DrillDetailView.as_view(), name="drill_detail"),
    path("drills/<int:pk>/edit/", drills.drill_edit, name="drill_edit"),
    path("drills/<int:pk>/record/", drills.drill_record, name="drill_record"),
    path("drills/<int:pk>/cancel/", drills.drill_cancel, name="drill_cancel"),
    path("drills/<int:pk>/findings/add/", drills.drill_finding_add, name="drill_finding_add"),
    path(
        "drills/findings/<int:pk>/hazard/",
        drills.drill_finding_hazard,
        name="drillfinding_hazard",
    ),
]
