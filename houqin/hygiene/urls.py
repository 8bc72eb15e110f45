"""Hygiene and greening pages (namespace "hygiene"), under /hygiene/. Each area keeps its routes
in its own module; this one only joins them."""

from . import urls_greening, urls_scores

app_name = "hygiene"
urlpatterns = [
    *urls_scores.urlpatterns,  # hygiene areas, score sheets, rankings, red flag
    *urls_greening.urlpatterns,  # greening plots, plants and care tasks
]
