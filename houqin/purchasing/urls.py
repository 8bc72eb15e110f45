"""Purchasing pages (namespace "purchasing"), under /purchasing/. Each area keeps its routes in
its own module; this one only joins them."""

from . import urls_orders, urls_requests

app_name = "purchasing"
urlpatterns = [
    *urls_requests.urlpatterns,  # budgets, purchase requests, quotes, settings
    *urls_orders.urlpatterns,  # purchase orders, receipts, spending reports
]
