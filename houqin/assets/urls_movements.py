"""Movement routes: moving and lending one asset, loans, bulk actions and label sheets."""

from django.urls import path

from . import labels
from . import views_movements as views

urlpatterns = [
    path("assets/<int:pk>/move/", views.AssetMoveView.as_view(), name="asset_move"),
    path("assets/<int:pk>/lend/", views.AssetLendView.as_view(), name="asset_lend"),
    path("assets/loans/", views.LoanListView.as_view(), name="loan_list"),
    path("assets/loans/<int:pk>/return/", views.LoanReturnView.as_view(), name="loan_return"),
    path("assets/bulk/", views.BulkActionView.as_view(), name="bulk_action"),
    path("assets/labels/", labels.LabelSheetView.as_view(), name="label_sheet"),
]
