"""Compliance pages: the rules, the school's own figures, where the school stands this term."""

from django.urls import path

from houqin.core.views import compliance as views

urlpatterns = [
    path("", views.compliance_overview, name="compliance_overview"),
    path("print/", views.compliance_print, name="compliance_print"),
    path("rules/<str:key>/", views.compliance_tighten, name="compliance_tighten"),
]
