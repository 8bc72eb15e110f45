"""The hygiene API (/api/hygiene/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_greening, api_scores

router = DefaultRouter()
for _area in (
    api_scores,
    api_greening,
):
    _area.register(router)
