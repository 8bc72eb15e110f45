"""One FilterSet per org list, shared by the pages, the API and the exports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from houqin.core.filters import TenantFilterSet, YesNoFilter

from .models import (
    GRADE_NAMES,
    AcademicYear,
    Building,
    Campus,
    Company,
    Department,
    DepartmentKind,
    Floor,
    Holiday,
    Membership,
    Room,
    RoomType,
    SchoolClass,
    Term,
)
from .roles import Role


def member_users(queryset, school_id):
    """People who may be picked in ``school_id`` (department heads, class teachers): its members.

    Named by ``settings.HOUQIN_USER_CHOICES`` so core can scope user choices without knowing
    memberships.
    """
    return queryset.filter(memberships__school_id=school_id, memberships__is_active=True).order_by(
        "full_name"
    )


def floor_label(floor) -> str:
    """A floor as people say it: "3号楼 · 2F" (the building's name makes it unambiguous)."""
    return f"{floor.building.name} · {floor}"


class FloorChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return floor_label(obj)


class FloorChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = FloorChoiceField


class CampusFilterSet(TenantFilterSet):
    search_fields = ("name", "code", "address")

    class Meta:
        model = Campus
        fields = ["q"]


class BuildingFilterSet(TenantFilterSet):
    search_fields = ("name", "code")
    campus = django_filters.ModelChoiceFilter(queryset=Campus.objects.all(), label=_("Campus"))

    class Meta:
        model = Building
        fields = ["q", "campus"]


class FloorFilterSet(TenantFilterSet):
    search_fields = ("name", "building__name")
    choice_select_related = {"building": ("campus",)}
    campus = django_filters.ModelChoiceFilter(
        field_name="building__campus", queryset=Campus.objects.all(), label=_("Campus")
    )
    building = django_filters.ModelChoiceFilter(
        queryset=Building.objects.all(), label=_("Building")
    )

    class Meta:
        model = Floor
        fields = ["q", "campus", "building"]


class RoomFilterSet(TenantFilterSet):
    search_fields = ("number", "name")
    choice_select_related = {"floor": ("building",)}
    campus = django_filters.ModelChoiceFilter(
        field_name="floor__building__campus", queryset=Campus.objects.all(), label=_("Campus")
    )
    building = django_filters.ModelChoiceFilter(
        field_name="floor__building", queryset=Building.objects.all(), label=_("Building")
    )
    floor = FloorChoiceFilter(queryset=Floor.objects.all(), label=_("Floor"))
    room_type = django_filters.ChoiceFilter(choices=RoomType.choices, label=_("Room type"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department in charge")
    )
    is_active = YesNoFilter(label=_("In use"))

    class Meta:
        model = Room
        fields = ["q", "campus", "building", "floor", "room_type", "department", "is_active"]


class DepartmentFilterSet(TenantFilterSet):
    search_fields = ("name", "code", "head__full_name")
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("Kind"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Department
        fields = ["q", "kind", "is_active"]


class SchoolClassFilterSet(TenantFilterSet):
    search_fields = ("class_teacher__full_name", "room__number")
    grade = django_filters.ChoiceFilter(choices=sorted(GRADE_NAMES.items()), label=_("Grade"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = SchoolClass
        fields = ["q", "grade", "is_active"]


class CompanyFilterSet(TenantFilterSet):
    search_fields = ("name", "contact_name", "contact_phone")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Company
        fields = ["q", "is_active"]


class MembershipFilterSet(TenantFilterSet):
    search_fields = ("user__full_name", "user__username", "user__phone", "employee_no")
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("Department")
    )
    role = django_filters.ChoiceFilter(
        field_name="roles__role", choices=Role.choices, label=_("Role")
    )
    company = django_filters.ModelChoiceFilter(queryset=Company.objects.all(), label=_("Company"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Membership
        fields = ["q", "department", "role", "company", "is_active"]


class AcademicYearFilterSet(TenantFilterSet):
    search_fields = ("name",)

    class Meta:
        model = AcademicYear
        fields = ["q"]


class TermFilterSet(TenantFilterSet):
    search_fields = ("name", "year__name")
    year = django_filters.ModelChoiceFilter(
        queryset=AcademicYear.objects.all(), label=_("Academic year")
    )

    class Meta:
        model = Term
        fields = ["q", "year"]


class HolidayFilterSet(TenantFilterSet):
    search_fields = ("name",)
    year = django_filters.ModelChoiceFilter(
        queryset=AcademicYear.objects.all(), method="in_year", label=_("Academic year")
    )

    class Meta:
        model = Holiday
        fields = ["q", "year"]

    def in_year(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(start_date__lte=value.end_date, end_date__gte=value.start_date)
