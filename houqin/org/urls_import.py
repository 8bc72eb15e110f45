from django.urls import path

from . import views_import as views

urlpatterns = [
    path("import/places/", views.PlacesImportView.as_view(), name="import_places"),
    path("import/staff/", views.StaffImportView.as_view(), name="import_staff"),
    path("import/classes/", views.ClassesImportView.as_view(), name="import_classes"),
    path("import/template/<slug:kind>/", views.import_template, name="import_template"),
    path("import/report/<str:token>/", views.import_error_report, name="import_error_report"),
    path("export/places/", views.export_places, name="export_places"),
    path("export/staff/", views.export_staff, name="export_staff"),
    path("export/classes/", views.export_classes, name="export_classes"),
]
