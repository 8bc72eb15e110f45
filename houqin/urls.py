from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("houqin.core.urls")),
    path("org/", include("houqin.org.urls")),
    path("", include("houqin.maintenance.urls")),
    path("", include("houqin.assets.urls")),
    path("stores/", include("houqin.stores.urls")),
    path("purchasing/", include("houqin.purchasing.urls")),
    path("safety/", include("houqin.safety.urls")),
    path("canteen/", include("houqin.canteen.urls")),
    path("hygiene/", include("houqin.hygiene.urls")),
    path("api/", include("houqin.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served directly: attachments go through a view that checks who
# may see the document they belong to.

handler403 = "houqin.core.views.errors.permission_denied"
handler404 = "houqin.core.views.errors.page_not_found"
handler500 = "houqin.core.views.errors.server_error"
