from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("houqin.core.urls")),
    path("org/", include("houqin.org.urls")),
    path("api/", include("houqin.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "houqin.core.views.errors.permission_denied"
handler404 = "houqin.core.views.errors.page_not_found"
handler500 = "houqin.core.views.errors.server_error"
