"""The assets API (/api/assets/…): each area registers its viewsets on this router."""

from importlib import import_module

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for _area in ("api_register", "api_movements", "api_stocktake", "api_disposal", "api_ledger"):
    try:
        import_module(f"{__package__}.{_area}").register(router)
    except ModuleNotFoundError as missing:
        if missing.name != f"{__package__}.{_area}":
            raise
