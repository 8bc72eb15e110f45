"""Canteen and water pages (namespace "canteen"), under /canteen/. Each area keeps its routes
in its own module; this one only joins them."""

from . import urls_food, urls_water

app_name = "canteen"
urlpatterns = [
    *urls_food.urlpatterns,  # food-safety records: samples, morning checks, accompanied meals, goods, disinfection, certificates
    *urls_water.urlpatterns,  # drinking water: contract, quality tests, filter changes; education campaigns
]
