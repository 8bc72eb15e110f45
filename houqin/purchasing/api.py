"""The purchasing API (/api/purchasing/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_orders, api_requests

router = DefaultRouter()
for _area in (api_requests, api_orders):
    _area.register(router)
