"""Safety pages (namespace "safety"), under /safety/. Each area keeps its routes
in its own module; this one only joins them."""

from . import urls_documents, urls_hazards, urls_inspections

app_name = "safety"
urlpatterns = [
    *urls_inspections.urlpatterns,  # inspection templates, schedules, rounds, safety equipment
    *urls_hazards.urlpatterns,  # hazards (隐患) and their closed loop
    *urls_documents.urlpatterns,  # regulations, emergency plans, acknowledgements and drills
]
