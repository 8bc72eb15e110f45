"""Stores pages (namespace "stores"), under /stores/. Each area keeps its routes in its own
module; this one only joins them."""

from . import urls_catalogue, urls_counts, urls_printing, urls_requisitions

app_name = "stores"
urlpatterns = [
    *urls_catalogue.urlpatterns,  # items, stores, stock, the ledger, receipts by hand, transfers
    *urls_counts.urlpatterns,  # stock counts
    *urls_requisitions.urlpatterns,  # requisitions (领用) and quotas
    *urls_printing.urlpatterns,  # the print shop (文印)
]
