"""The stores API (/api/stores/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_catalogue, api_counts, api_printing, api_requisitions

router = DefaultRouter()
for _area in (api_catalogue, api_counts, api_requisitions, api_printing):
    _area.register(router)
