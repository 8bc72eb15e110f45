"""Pages: hazards (隐患) and their closed loop."""

from django.urls import path

from . import print_hazards, views_hazards, views_public_hazards

urlpatterns = [
    path("hazards/", views_hazards.HazardListView.as_view(), name="hazard_list"),
    path("hazards/new/", views_hazards.HazardAddView.as_view(), name="hazard_add"),
    path("hazards/register/", print_hazards.HazardRegisterView.as_view(), name="hazard_register"),
    path("hazards/<int:pk>/", views_hazards.HazardDetailView.as_view(), name="hazard_detail"),
    path(
        "hazards/<int:pk>/action/<slug:action>/",
        views_hazards.HazardActionView.as_view(),
        name="hazard_action",
    ),
    path(
        "hazards/report/<str:token>/",
        views_public_hazards.PublicHazardReportView.as_view(),
        name="hazard_public_report",
    ),
    path(
        "hazards/report/<str:token>/thanks/",
        views_public_hazards.public_thanks,
        name="hazard_public_thanks",
    ),
]
