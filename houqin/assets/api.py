"""The assets API (/api/assets/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_disposal, api_ledger, api_movements, api_register, api_stocktake

router = DefaultRouter()
for _area in (api_register, api_movements, api_stocktake, api_disposal, api_ledger):
    _area.register(router)
