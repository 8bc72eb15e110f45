"""Disposal, historic write-off and damage routes (joined into the "assets" namespace)."""

from django.urls import path

from . import views_damage
from . import views_disposal as views

urlpatterns = [
    path("assets/disposals/", views.DisposalListView.as_view(), name="disposal_list"),
    path("assets/disposals/add/", views.DisposalFormView.as_view(), name="disposal_add"),
    path("assets/disposals/write-off/", views.WriteOffView.as_view(), name="disposal_writeoff"),
    path("assets/disposals/<int:pk>/", views.DisposalDetailView.as_view(), name="disposal_detail"),
    path("assets/disposals/<int:pk>/edit/", views.DisposalFormView.as_view(), name="disposal_edit"),
    path(
        "assets/disposals/<int:pk>/print/",
        views.DisposalPrintView.as_view(),
        name="disposal_print",
    ),
    path(
        "assets/disposals/<int:pk>/action/<slug:action>/",
        views.DisposalActionView.as_view(),
        name="disposal_action",
    ),
    path("assets/damage/", views_damage.DamageListView.as_view(), name="damage_list"),
    path("assets/damage/add/", views_damage.DamageAddView.as_view(), name="damage_add"),
    path(
        "assets/damage/classes/",
        views_damage.DamageClassTotalsView.as_view(),
        name="damage_class_totals",
    ),
    path("assets/damage/<int:pk>/", views_damage.DamageDetailView.as_view(), name="damage_detail"),
    path(
        "assets/damage/<int:pk>/action/<slug:action>/",
        views_damage.DamageActionView.as_view(),
        name="damage_action",
    ),
]
