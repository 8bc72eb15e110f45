"""Purchase order, delivery and spending report routes (joined into the "purchasing" namespace)."""

from django.urls import path

from . import views_orders as orders
from . import views_receiving as receiving
from . import views_reports as reports

urlpatterns = [
    path("orders/", orders.OrderListView.as_view(), name="order_list"),
    path("orders/to-order/", orders.ToOrderView.as_view(), name="order_add"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/edit/", orders.OrderEditView.as_view(), name="order_edit"),
    path("orders/<int:pk>/print/", orders.OrderPrintView.as_view(), name="order_print"),
    path("orders/<int:pk>/receive/", receiving.ReceiveView.as_view(), name="order_receive"),
    path(
        "orders/<int:pk>/action/<slug:action>/",
        orders.OrderActionView.as_view(),
        name="order_action",
    ),
    path("receipts/", receiving.ReceiptListView.as_view(), name="receipt_list"),
    path("receipts/<int:pk>/", receiving.ReceiptDetailView.as_view(), name="receipt_detail"),
    path(
        "receipts/<int:pk>/action/<slug:action>/",
        receiving.ReceiptActionView.as_view(),
        name="receipt_action",
    ),
    path("reports/spending/", reports.SpendingReportView.as_view(), name="spending_report"),
]
