"""Pages: hygiene areas, score sheets, rankings, red flag."""

from django.urls import path

from . import views_rankings as rankings
from . import views_scores as views

urlpatterns = [
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/add/", views.AreaEditView.as_view(), name="area_add"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaEditView.as_view(), name="area_edit"),
    path("areas/<int:pk>/delete/", views.AreaDeleteView.as_view(), name="area_delete"),
    path("items/", views.ItemListView.as_view(), name="item_list"),
    path("items/add/", views.ItemEditView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("sheets/", views.SheetListView.as_view(), name="sheet_list"),
    path("sheets/<int:pk>/", views.SheetDetailView.as_view(), name="sheet_detail"),
    path("sheets/<int:pk>/withdraw/", views.SheetWithdrawView.as_view(), name="sheet_withdraw"),
    path("sheets/print/", rankings.WeekSheetsPrintView.as_view(), name="sheet_print"),
    path("inspect/", views.InspectStartView.as_view(), name="inspect"),
    path("inspect/<int:pk>/", views.InspectClassView.as_view(), name="inspect_class"),
    path("rankings/week/", rankings.WeekRankingView.as_view(), name="ranking_week"),
    path("rankings/week/publish/", rankings.PublishWeekView.as_view(), name="ranking_publish"),
    path("rankings/term/", rankings.TermRankingView.as_view(), name="ranking_term"),
    path(
        "rankings/term/print/", rankings.TermRankingPrintView.as_view(), name="ranking_term_print"
    ),
    path(
        "rankings/term/assessment/",
        rankings.AssessmentExportView.as_view(),
        name="ranking_assessment",
    ),
    path("rankings/red-flags/", rankings.RedFlagHistoryView.as_view(), name="red_flags"),
]
