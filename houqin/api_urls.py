"""The REST API: one router per app, schema at /api/schema/, docs at /api/docs/."""


app_name = "api"
urlpatterns: list = []
