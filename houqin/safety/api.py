"""The safety API (/api/safety/…): each area registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from . import api_documents, api_hazards, api_inspections

router = DefaultRouter()
for _area in (api_inspections, api_hazards, api_documents):
    _area.register(router)
