"""Pages: inspection templates, schedules, rounds (and their phone pages), ledgers, safety
equipment."""

from django.urls import path

from . import views_equipment as eq
from . import views_inspections as v
from . import views_ledger_inspections as ledger
from . import views_rounds_inspections as r

urlpatterns = [
    path("inspections/templates/", v.TemplateListView.as_view(), name="inspection_template_list"),
    path(
        "inspections/templates/add/", v.TemplateEditView.as_view(), name="inspection_template_add"
    ),
    path(
        "inspections/templates/<int:pk>/",
        v.TemplateDetailView.as_view(),
        name="inspection_template_detail",
    ),
    path(
        "inspections/templates/<int:pk>/edit/",
        v.TemplateEditView.as_view(),
        name="inspection_template_edit",
    ),
    path(
        "inspections/templates/<int:pk>/ledger/",
        ledger.LedgerView.as_view(),
        name="inspection_template_ledger",
    ),
    path("inspections/schedules/", v.ScheduleListView.as_view(), name="inspection_schedule_list"),
    path(
        "inspections/schedules/add/", v.ScheduleEditView.as_view(), name="inspection_schedule_add"
    ),
    path(
        "inspections/schedules/<int:pk>/",
        v.ScheduleDetailView.as_view(),
        name="inspection_schedule_detail",
    ),
    path(
        "inspections/schedules/<int:pk>/edit/",
        v.ScheduleEditView.as_view(),
        name="inspection_schedule_edit",
    ),
    path(
        "inspections/schedules/<int:pk>/generate/",
        v.ScheduleGenerateView.as_view(),
        name="inspection_schedule_generate",
    ),
    path("inspections/rounds/", r.RoundListView.as_view(), name="inspection_round_list"),
    path(
        "inspections/rounds/<int:pk>/", r.RoundDetailView.as_view(), name="inspection_round_detail"
    ),
    path(
        "inspections/rounds/<int:pk>/cancel/",
        r.RoundCancelView.as_view(),
        name="inspection_round_cancel",
    ),
    path("inspections/today/", r.MyRoundsView.as_view(), name="my_rounds"),
    path("inspections/rounds/<int:pk>/walk/", r.WalkView.as_view(), name="inspection_walk"),
    path(
        "inspections/rounds/<int:pk>/walk/<int:room>/", r.StopView.as_view(), name="inspection_stop"
    ),
    path(
        "inspections/rounds/<int:pk>/complete/",
        r.CompleteView.as_view(),
        name="inspection_complete",
    ),
    path(
        "inspections/rounds/<int:pk>/second-signature/",
        r.SecondSignView.as_view(),
        name="inspection_second_sign",
    ),
    path("equipment/", eq.EquipmentListView.as_view(), name="equipment_list"),
    path("equipment/add/", eq.EquipmentEditView.as_view(), name="equipment_add"),
    path("equipment/print/", eq.EquipmentPrintView.as_view(), name="equipment_print"),
    path("equipment/<int:pk>/", eq.EquipmentDetailView.as_view(), name="equipment_detail"),
    path("equipment/<int:pk>/edit/", eq.EquipmentEditView.as_view(), name="equipment_edit"),
]
