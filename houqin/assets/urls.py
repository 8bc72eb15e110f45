"""Asset pages (namespace "assets"), under /assets/; the label QR stays short: /a/<token>/.

Each area keeps its routes in its own module; this one only joins them."""

from . import (
    urls_disposal,
    urls_import,
    urls_ledger,
    urls_movements,
    urls_register,
    urls_stocktake,
)

app_name = "assets"
urlpatterns = [
    *urls_register.urlpatterns,  # register, categories, settings, the label QR (/a/<token>/)
    *urls_import.urlpatterns,  # ledger import
    *urls_movements.urlpatterns,  # transfers, loans, bulk actions, label sheets
    *urls_stocktake.urlpatterns,  # stock-takes
    *urls_disposal.urlpatterns,  # disposals, write-offs, damage records
    *urls_ledger.urlpatterns,  # depreciation and ledger reports
]
