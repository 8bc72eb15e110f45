"""Pages: greening plots, plants and care tasks."""

from django.urls import path

from . import views_greening as views

urlpatterns = [
    path("greening/plots/", views.PlotListView.as_view(), name="plot_list"),
    path("greening/plots/add/", views.PlotEditView.as_view(), name="plot_add"),
    path("greening/plots/<int:pk>/", views.PlotDetailView.as_view(), name="plot_detail"),
    path("greening/plots/<int:pk>/edit/", views.PlotEditView.as_view(), name="plot_edit"),
    path("greening/plots/<int:pk>/delete/", views.PlotDeleteView.as_view(), name="plot_delete"),
    path("greening/plants/", views.PlantListView.as_view(), name="plant_list"),
    path("greening/plants/add/", views.PlantEditView.as_view(), name="plant_add"),
    path("greening/plants/<int:pk>/edit/", views.PlantEditView.as_view(), name="plant_edit"),
    path("greening/plants/<int:pk>/delete/", views.PlantDeleteView.as_view(), name="plant_delete"),
    path("greening/tasks/", views.TaskListView.as_view(), name="task_list"),
    path("greening/tasks/plan/", views.TaskPlanView.as_view(), name="task_plan"),
    path("greening/tasks/log/", views.CareLogPrintView.as_view(), name="task_log"),
    path("greening/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path(
        "greening/tasks/<int:pk>/<slug:action>/", views.TaskActionView.as_view(), name="task_action"
    ),
]
