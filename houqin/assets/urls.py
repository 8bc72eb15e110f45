"""Asset pages (namespace "assets"), under /assets/; the label QR stays short: /a/<token>/.

Each area keeps its routes in its own module; this one only joins them."""

from importlib import import_module

app_name = "assets"

_AREAS = (
    "urls_register",  # register, categories, settings, the label QR (/a/<token>/)
    "urls_import",  # ledger import
    "urls_movements",  # transfers, loans, bulk actions, label sheets
    "urls_stocktake",  # stock-takes
    "urls_disposal",  # disposals, write-offs, damage records
    "urls_ledger",  # depreciation and ledger reports
)


def _patterns():
    patterns = []
    for area in _AREAS:
        try:
            module = import_module(f"{__package__}.{area}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{__package__}.{area}":
                raise
            continue
        patterns.extend(module.urlpatterns)
    return patterns


urlpatterns = _patterns()
