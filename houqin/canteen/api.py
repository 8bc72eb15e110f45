"""The canteen API (/api/canteen/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_food, api_water

router = DefaultRouter()
for _area in (api_food, api_water):
    _area.register(router)
