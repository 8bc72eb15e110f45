"""URLs of the org pages (namespace "org"): <thing>_list, _detail, _add, _edit, _delete."""

from django.urls import path

from . import views


def crud(name: str, segment: str, list_view, detail_view=None, edit_view=None, delete_view=None):
    patterns = [path(f"{segment}/", list_view.as_view(), name=f"{name}_list")]
    if edit_view is not None:
        patterns += [
            path(f"{segment}/add/", edit_view.as_view(), name=f"{name}_add"),
            path(f"{segment}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        ]
    if detail_view is not None:
        patterns.append(path(f"{segment}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"))
    if delete_view is not None:
        patterns.append(
            path(f"{segment}/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete")
        )
    return patterns


urlpatterns = [
    path("places/", views.PlacesView.as_view(), name="places"),
    *crud(
        "campus",
        "campuses",
        views.CampusListView,
        views.CampusDetailView,
        views.CampusEditView,
        views.CampusDeleteView,
    ),
    *crud(
        "building",
        "buildings",
        views.BuildingListView,
        views.BuildingDetailView,
        views.BuildingEditView,
        views.BuildingDeleteView,
    ),
    *crud(
        "floor",
        "floors",
        views.FloorListView,
        views.FloorDetailView,
        views.FloorEditView,
        views.FloorDeleteView,
    ),
    *crud(
        "room",
        "rooms",
        views.RoomListView,
        views.RoomDetailView,
        views.RoomEditView,
        views.RoomDeleteView,
    ),
    *crud(
        "department",
        "departments",
        views.DepartmentListView,
        views.DepartmentDetailView,
        views.DepartmentEditView,
        views.DepartmentDeleteView,
    ),
    *crud(
        "class",
        "classes",
        views.SchoolClassListView,
        views.SchoolClassDetailView,
        views.SchoolClassEditView,
        views.SchoolClassDeleteView,
    ),
    *crud(
        "company",
        "companies",
        views.CompanyListView,
        views.CompanyDetailView,
        views.CompanyEditView,
        views.CompanyDeleteView,
    ),
    *crud("member", "members", views.MemberListView, views.MemberDetailView, views.MemberEditView),
    *crud("year", "years", views.AcademicYearListView, edit_view=views.AcademicYearEditView),
    *crud("term", "terms", views.TermListView, edit_view=views.TermEditView),
    *crud("holiday", "holidays", views.HolidayListView, edit_view=views.HolidayEditView),
]
