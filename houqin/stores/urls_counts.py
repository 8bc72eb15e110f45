"""Stock count routes (joined into the "stores" namespace)."""

from django.urls import path

from . import views_counts as views

urlpatterns = [
    path("counts/", views.CountListView.as_view(), name="count_list"),
    path("counts/add/", views.CountStartView.as_view(), name="count_add"),
    path("counts/<int:pk>/", views.CountDetailView.as_view(), name="count_detail"),
    path("counts/<int:pk>/lines/", views.CountLinesView.as_view(), name="count_lines"),
    path("counts/<int:pk>/print/", views.CountPrintView.as_view(), name="count_print"),
    path(
        "counts/<int:pk>/action/<slug:action>/",
        views.CountActionView.as_view(),
        name="count_action",
    ),
]
