"""The REST API: one router per app, schema at /api/schema/, docs at /api/docs/.

URL names: ``api:token``, ``api:schema``, ``api:docs``, and per app ``api:<app>:<basename>-list``
/ ``-detail`` (e.g. ``api:org:room-list``). A module adds its router here under its own prefix.
"""

from django.urls import include, path

from houqin.assets.api import router as assets_router
from houqin.canteen.api import router as canteen_router
from houqin.core.api import DocsView, SchemaView, TokenView
from houqin.core.api_compliance import router as compliance_router
from houqin.hygiene.api import router as hygiene_router
from houqin.maintenance.api import router as maintenance_router
from houqin.org.api import router as org_router
from houqin.purchasing.api import router as purchasing_router
from houqin.safety.api import router as safety_router
from houqin.stores.api import router as stores_router

app_name = "api"
urlpatterns = [
    path("token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("org/", include((org_router.urls, "org"))),
    path("maintenance/", include((maintenance_router.urls, "maintenance"))),
    path("assets/", include((assets_router.urls, "assets"))),
    path("stores/", include((stores_router.urls, "stores"))),
    path("purchasing/", include((purchasing_router.urls, "purchasing"))),
    path("safety/", include((safety_router.urls, "safety"))),
    path("canteen/", include((canteen_router.urls, "canteen"))),
    path("hygiene/", include((hygiene_router.urls, "hygiene"))),
    path("compliance/", include((compliance_router.urls, "compliance"))),
]
