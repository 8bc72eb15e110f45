"""Register routes: assets, categories, settings, and the label QR (/a/<token>/)."""

from django.urls import path

from . import views_register as views

urlpatterns = [
    path("a/<str:token>/", views.asset_qr, name="asset_qr"),
    path("assets/", views.AssetListView.as_view(), name="asset_list"),
    path("assets/add/", views.AssetAddView.as_view(), name="asset_add"),
    path("assets/<int:pk>/", views.AssetDetailView.as_view(), name="asset_detail"),
    path("assets/<int:pk>/edit/", views.AssetEditView.as_view(), name="asset_edit"),
    path("assets/<int:pk>/status/", views.AssetStatusView.as_view(), name="asset_status"),
    path("assets/categories/", views.CategoryListView.as_view(), name="category_list"),
    path("assets/categories/add/", views.CategoryEditView.as_view(), name="category_add"),
    path(
        "assets/categories/<int:pk>/edit/",
        views.CategoryEditView.as_view(),
        name="category_edit",
    ),
    path("assets/settings/", views.SettingsView.as_view(), name="settings"),
]
