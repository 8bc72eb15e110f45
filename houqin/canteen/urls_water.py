"""Pages: drinking water: contract, quality tests, filter changes; education campaigns."""

from django.urls import path

from . import views_records as v
from . import views_today as today

urlpatterns = [
    path("water/contracts/", v.WaterContractListView.as_view(), name="contract_list"),
    path("water/contracts/add/", v.WaterContractEditView.as_view(), name="contract_add"),
    path("water/contracts/<int:pk>/", v.WaterContractDetailView.as_view(), name="contract_detail"),
    path("water/contracts/<int:pk>/edit/", v.WaterContractEditView.as_view(), name="contract_edit"),
    path("water/dispensers/", v.DispenserListView.as_view(), name="dispenser_list"),
    path("water/dispensers/add/", v.DispenserEditView.as_view(), name="dispenser_add"),
    path("water/dispensers/<int:pk>/", v.DispenserDetailView.as_view(), name="dispenser_detail"),
    path("water/dispensers/<int:pk>/edit/", v.DispenserEditView.as_view(), name="dispenser_edit"),
    path("water/dispensers/<int:pk>/filter/", today.dispenser_filter, name="dispenser_filter"),
    path("water/filter-changes/", v.FilterChangeListView.as_view(), name="filterchange_list"),
    path("water/tests/", v.WaterTestListView.as_view(), name="watertest_list"),
    path("water/tests/add/", v.WaterTestAddView.as_view(), name="watertest_add"),
    path("water/tests/<int:pk>/", v.WaterTestDetailView.as_view(), name="watertest_detail"),
    path("water/tests/<int:pk>/follow-up/", today.watertest_followup, name="watertest_followup"),
    path("campaigns/", v.EducationCampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", v.EducationCampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", v.EducationCampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", v.EducationCampaignEditView.as_view(), name="campaign_edit"),
]
