"""Pages of who and where: places, calendar, departments, classes, companies and people.

Most pages are declarations on the generic views of ``houqin.core.views.generic``; only the
places tree and the member pages (a person and their membership in one form) have code.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import can
from houqin.core.tables import detail_url
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import filters, forms, services, tables
from .models import (
    AcademicYear,
    Building,
    Campus,
    Company,
    Department,
    Floor,
    Holiday,
    Membership,
    RoleAssignment,
    Room,
    School,
    SchoolClass,
    Term,
)
from .qr import qr_svg, room_report_path

EXPORT_PERM = "org.export_org"
RELATED_ROWS = 100


def related_list(title, table_class, queryset, more_url=None):
    """A short table under a detail page ("the floors of this building"), at most 100 rows."""
    rows = list(queryset[: RELATED_ROWS + 1])
    table = table_class(rows[:RELATED_ROWS], exclude=("actions",), orderable=False)
    return {
        "title": title,
        "table": table,
        "more_url": more_url if len(rows) > RELATED_ROWS else None,
    }


def _list_url(name, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse(name)}?{query}" if query else reverse(name)


# ---------------------------------------------------------------- campuses


class CampusMixin:
    model = Campus
    route_prefix = "org:campus"


class CampusListView(CampusMixin, ObjectListView):
    queryset = Campus.objects.annotate(
        building_count=Count("buildings", distinct=True),
        room_count=Count("buildings__floors__rooms"),
    )
    filterset_class = filters.CampusFilterSet
    table_class = tables.CampusTable
    export_perm = EXPORT_PERM


class CampusDetailView(CampusMixin, ObjectDetailView):
    detail_fields = ("name", "code", "address")

    def get_extra_context(self, obj):
        buildings = (
            Building.objects.restrict(self.request.user, "view")
            .filter(campus=obj)
            .select_related("campus")
            .annotate(floor_count=Count("floors", distinct=True), room_count=Count("floors__rooms"))
        )
        more = _list_url("org:building_list", campus=obj.pk)
        return {
            "related_lists": [related_list(_("Buildings"), tables.BuildingTable, buildings, more)]
        }


class CampusEditView(CampusMixin, ObjectEditView):
    form_class = forms.CampusForm


class CampusDeleteView(CampusMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- buildings


class BuildingMixin:
    model = Building
    route_prefix = "org:building"


class BuildingListView(BuildingMixin, ObjectListView):
    queryset = Building.objects.select_related("campus").annotate(
        floor_count=Count("floors", distinct=True), room_count=Count("floors__rooms")
    )
    filterset_class = filters.BuildingFilterSet
    table_class = tables.BuildingTable
    export_perm = EXPORT_PERM


class BuildingDetailView(BuildingMixin, ObjectDetailView):
    queryset = Building.objects.select_related("campus")
    detail_fields = ("campus", "name", "code", "built_year")

    def get_extra_context(self, obj):
        floors = (
            Floor.objects.restrict(self.request.user, "view")
            .filter(building=obj)
            .select_related("building")
            .annotate(room_count=Count("rooms"))
            .order_by("number")
        )
        more = _list_url("org:floor_list", building=obj.pk)
        return {"related_lists": [related_list(_("Floors"), tables.FloorTable, floors, more)]}


class BuildingEditView(BuildingMixin, ObjectEditView):
    form_class = forms.BuildingForm


class BuildingDeleteView(BuildingMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- floors


class FloorMixin:
    model = Floor
    route_prefix = "org:floor"


class FloorListView(FloorMixin, ObjectListView):
    queryset = Floor.objects.select_related("building").annotate(room_count=Count("rooms"))
    filterset_class = filters.FloorFilterSet
    table_class = tables.FloorTable
    export_perm = EXPORT_PERM


class FloorDetailView(FloorMixin, ObjectDetailView):
    queryset = Floor.objects.select_related("building")
    detail_fields = ("building", "number", "name")

    def get_extra_context(self, obj):
        rooms = (
            Room.objects.restrict(self.request.user, "view")
            .filter(floor=obj)
            .select_related("floor__building", "department")
            .order_by("number")
        )
        more = _list_url("org:room_list", floor=obj.pk)
        return {"related_lists": [related_list(_("Rooms"), tables.RoomTable, rooms, more)]}


class FloorEditView(FloorMixin, ObjectEditView):
    form_class = forms.FloorForm


class FloorDeleteView(FloorMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- rooms


class RoomMixin:
    model = Room
    route_prefix = "org:room"


class RoomListView(RoomMixin, ObjectListView):
    queryset = Room.objects.select_related("floor__building", "department")
    filterset_class = filters.RoomFilterSet
    table_class = tables.RoomTable
    export_perm = EXPORT_PERM


class RoomDetailView(RoomMixin, ObjectDetailView):
    queryset = Room.objects.select_related("floor__building__campus", "department")
    template_name = "org/room_detail.html"
    detail_fields = (
        "floor",
        "number",
        "name",
        "room_type",
        "area",
        "capacity",
        "department",
        "is_active",
    )

    def field_rows(self, obj):
        building = obj.floor.building
        rows = [
            (_("Campus"), building.campus, None),
            (_("Building"), building, reverse("org:building_detail", args=[building.pk])),
        ]
        return rows + super().field_rows(obj)

    def get_extra_context(self, obj):
        report_url = self.request.build_absolute_uri(room_report_path(obj))
        classes = SchoolClass.objects.restrict(self.request.user, "view").filter(room=obj)
        return {
            "report_url": report_url,
            # segno writes the SVG from our own URL: nothing user-typed reaches the markup.
            "qr_svg": mark_safe(qr_svg(report_url)),  # noqa: S308
            "classes": list(classes),
        }


class RoomEditView(RoomMixin, ObjectEditView):
    form_class = forms.RoomForm


class RoomDeleteView(RoomMixin, ObjectDeleteView):
    pass


class PlacesView(ScopedViewMixin, View):
    """The whole school at a glance: campus → building → floor → rooms, in four queries."""

    model = Room
    template_name = "org/places.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        user = request.user
        campuses = list(Campus.objects.restrict(user, "view").order_by("name"))
        buildings = list(Building.objects.restrict(user, "view").order_by("name"))
        floors = list(Floor.objects.restrict(user, "view").order_by("number"))
        rooms = list(
            Room.objects.restrict(user, "view")
            .order_by("number")
            .values("pk", "number", "name", "room_type", "floor_id", "is_active")
        )
        rooms_by_floor: dict[int, list] = {}
        for room in rooms:
            rooms_by_floor.setdefault(room["floor_id"], []).append(room)
        floors_by_building: dict[int, list] = {}
        for floor in floors:
            floor.room_list = rooms_by_floor.get(floor.pk, [])
            floors_by_building.setdefault(floor.building_id, []).append(floor)
        buildings_by_campus: dict[int, list] = {}
        for building in buildings:
            building.floor_list = floors_by_building.get(building.pk, [])
            building.room_total = sum(len(f.room_list) for f in building.floor_list)
            buildings_by_campus.setdefault(building.campus_id, []).append(building)
        for campus in campuses:
            campus.building_list = buildings_by_campus.get(campus.pk, [])
            campus.room_total = sum(b.room_total for b in campus.building_list)
        context = {"title": _("Places"), "campuses": campuses, "room_total": len(rooms)}
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- departments


class DepartmentMixin:
    model = Department
    route_prefix = "org:department"


class DepartmentListView(DepartmentMixin, ObjectListView):
    queryset = Department.objects.select_related("head").annotate(member_count=Count("members"))
    filterset_class = filters.DepartmentFilterSet
    table_class = tables.DepartmentTable
    export_perm = EXPORT_PERM


def member_queryset(user):
    return (
        Membership.objects.restrict(user, "view")
        .select_related("user", "department", "company")
        .prefetch_related(Prefetch("roles", queryset=RoleAssignment.objects.order_by("role")))
    )


class DepartmentDetailView(DepartmentMixin, ObjectDetailView):
    queryset = Department.objects.select_related("head")
    detail_fields = ("name", "code", "kind", "head", "is_active")

    def get_extra_context(self, obj):
        user = self.request.user
        members = member_queryset(user).filter(department=obj)
        rooms = (
            Room.objects.restrict(user, "view")
            .filter(department=obj)
            .select_related("floor__building", "department")
        )
        return {
            "related_lists": [
                related_list(
                    _("Members"),
                    tables.MembershipTable,
                    members,
                    _list_url("org:member_list", department=obj.pk),
                ),
                related_list(
                    _("Rooms"),
                    tables.RoomTable,
                    rooms,
                    _list_url("org:room_list", department=obj.pk),
                ),
            ]
        }


class DepartmentEditView(DepartmentMixin, ObjectEditView):
    form_class = forms.DepartmentForm


class DepartmentDeleteView(DepartmentMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- classes


class SchoolClassMixin:
    model = SchoolClass
    route_prefix = "org:class"


class SchoolClassListView(SchoolClassMixin, ObjectListView):
    queryset = SchoolClass.objects.select_related("class_teacher", "room__floor__building")
    filterset_class = filters.SchoolClassFilterSet
    table_class = tables.SchoolClassTable
    export_perm = EXPORT_PERM


class SchoolClassDetailView(SchoolClassMixin, ObjectDetailView):
    queryset = SchoolClass.objects.select_related("class_teacher", "room__floor__building")
    detail_fields = (
        "grade",
        "number",
        "entry_year",
        "class_teacher",
        "student_count",
        "room",
        "is_active",
    )


class SchoolClassEditView(SchoolClassMixin, ObjectEditView):
    form_class = forms.SchoolClassForm


class SchoolClassDeleteView(SchoolClassMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- companies


class CompanyMixin:
    model = Company
    route_prefix = "org:company"


class CompanyListView(CompanyMixin, ObjectListView):
    queryset = Company.objects.annotate(member_count=Count("members"))
    filterset_class = filters.CompanyFilterSet
    table_class = tables.CompanyTable
    export_perm = EXPORT_PERM


class CompanyDetailView(CompanyMixin, ObjectDetailView):
    detail_fields = ("name", "contact_name", "contact_phone", "is_active")

    def get_extra_context(self, obj):
        members = member_queryset(self.request.user).filter(company=obj)
        more = _list_url("org:member_list", company=obj.pk)
        return {
            "related_lists": [related_list(_("Members"), tables.MembershipTable, members, more)]
        }


class CompanyEditView(CompanyMixin, ObjectEditView):
    form_class = forms.CompanyForm


class CompanyDeleteView(CompanyMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- calendar


class AcademicYearMixin:
    model = AcademicYear
    route_prefix = "org:year"


class AcademicYearListView(AcademicYearMixin, ObjectListView):
    queryset = AcademicYear.objects.annotate(term_count=Count("terms"))
    filterset_class = filters.AcademicYearFilterSet
    table_class = tables.AcademicYearTable
    export_perm = EXPORT_PERM


class AcademicYearEditView(AcademicYearMixin, ObjectEditView):
    form_class = forms.AcademicYearForm


class TermMixin:
    model = Term
    route_prefix = "org:term"


class TermListView(TermMixin, ObjectListView):
    queryset = Term.objects.select_related("year")
    filterset_class = filters.TermFilterSet
    table_class = tables.TermTable
    export_perm = EXPORT_PERM


class TermEditView(TermMixin, ObjectEditView):
    form_class = forms.TermForm


class HolidayMixin:
    model = Holiday
    route_prefix = "org:holiday"


class HolidayListView(HolidayMixin, ObjectListView):
    filterset_class = filters.HolidayFilterSet
    table_class = tables.HolidayTable
    export_perm = EXPORT_PERM


class HolidayEditView(HolidayMixin, ObjectEditView):
    form_class = forms.HolidayForm


# ---------------------------------------------------------------- people


class MemberMixin:
    model = Membership
    route_prefix = "org:member"


class MemberListView(MemberMixin, ObjectListView):
    queryset = Membership.objects.select_related("user", "department", "company").prefetch_related(
        Prefetch("roles", queryset=RoleAssignment.objects.order_by("role"))
    )
    filterset_class = filters.MembershipFilterSet
    table_class = tables.MembershipTable
    export_perm = EXPORT_PERM


class MemberDetailView(MemberMixin, ObjectDetailView):
    queryset = Membership.objects.select_related("user", "department", "company").prefetch_related(
        "roles"
    )
    template_name = "org/member_detail.html"

    def field_rows(self, obj):
        user = obj.user
        return [
            (_("Full name"), user.full_name, None),
            (_("Username"), user.username, None),
            (_("Mobile phone"), user.phone, None),
            (_("Employee number"), obj.employee_no, None),
            (_("Department"), obj.department, self.link(obj.department)),
            (_("Company"), obj.company, self.link(obj.company)),
            (_("Job title"), obj.title, None),
            (_("Roles"), ", ".join(str(r.get_role_display()) for r in obj.roles.all()), None),
            (_("Active"), obj.is_active, None),
        ]

    @staticmethod
    def link(obj):
        return detail_url(obj)

    def get_extra_context(self, obj):
        return {"title": obj.user.get_full_name()}


class MemberEditView(MemberMixin, ScopedViewMixin, View):
    """Add a person (creating their login when the username is new) or edit one, via services."""

    template_name = "core/generic/object_edit.html"

    def get_membership(self, pk):
        if pk is None:
            if not can(self.request.user, "add", Membership):
                raise PermissionDenied
            return None
        membership = get_object_or_404(
            Membership.objects.restrict(self.request.user, "view").select_related("user", "school"),
            pk=pk,
        )
        if not can(self.request.user, "change", membership):
            raise PermissionDenied
        return membership

    def get_form(self, membership, data=None):
        return forms.MemberForm(
            data, user=self.request.user, school_id=self.access.school_id, membership=membership
        )

    def get(self, request, pk=None):
        membership = self.get_membership(pk)
        return self.render_form(membership, self.get_form(membership))

    def post(self, request, pk=None):
        membership = self.get_membership(pk)
        form = self.get_form(membership, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "by": request.user,
                "full_name": data["full_name"],
                "phone": data["phone"],
                "employee_no": data["employee_no"],
                "department": data["department"],
                "company": data["company"],
                "title": data["title"],
                "roles": data["roles"],
            }
            try:
                if membership is None:
                    membership = services.create_member(
                        school=School.objects.get(pk=self.access.school_id),
                        username=data["username"],
                        password=data.get("password") or None,
                        **common,
                    )
                else:
                    membership = services.update_member(
                        membership=membership, is_active=data["is_active"], **common
                    )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(object)s was saved.") % {"object": membership.user})
                return redirect("org:member_detail", membership.pk)
        return self.render_form(membership, form)

    def render_form(self, membership, form):
        if membership is None:
            title, cancel = _("Add member"), reverse("org:member_list")
        else:
            title = _("Edit %(object)s") % {"object": membership.user}
            cancel = reverse("org:member_detail", args=[membership.pk])
        context = {"form": form, "title": title, "cancel_url": cancel, "object": membership}
        return render(self.request, self.template_name, context)
