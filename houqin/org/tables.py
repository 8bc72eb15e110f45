"""List tables of the org pages; their columns are also the columns of each list's export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ActionsColumn, BaseTable, BooleanColumn, link_record, link_value

from .models import (
    AcademicYear,
    Building,
    Campus,
    Company,
    Department,
    Floor,
    Holiday,
    Membership,
    Room,
    SchoolClass,
    Term,
)


class CampusTable(BaseTable):
    name = tables.Column(linkify=link_record)
    building_count = tables.Column(verbose_name=_("Buildings"), attrs={"td": {"class": "text-end"}})
    room_count = tables.Column(verbose_name=_("Rooms"), attrs={"td": {"class": "text-end"}})
    actions = ActionsColumn("org:campus_edit")

    class Meta(BaseTable.Meta):
        model = Campus
        fields = ("name", "code", "address", "building_count", "room_count")


class BuildingTable(BaseTable):
    name = tables.Column(linkify=link_record)
    campus = tables.Column(linkify=link_value, order_by=("campus__name",))
    floor_count = tables.Column(verbose_name=_("Floors"), attrs={"td": {"class": "text-end"}})
    room_count = tables.Column(verbose_name=_("Rooms"), attrs={"td": {"class": "text-end"}})
    actions = ActionsColumn("org:building_edit")

    class Meta(BaseTable.Meta):
        model = Building
        fields = ("name", "campus", "code", "built_year", "floor_count", "room_count")


class FloorTable(BaseTable):
    building = tables.Column(linkify=link_value, order_by=("building__name",))
    number = tables.Column(linkify=link_record)
    room_count = tables.Column(verbose_name=_("Rooms"), attrs={"td": {"class": "text-end"}})
    actions = ActionsColumn("org:floor_edit")

    class Meta(BaseTable.Meta):
        model = Floor
        fields = ("building", "number", "name", "room_count")
        order_by = ("building", "number")


class RoomTable(BaseTable):
    number = tables.Column(linkify=link_record)
    building = tables.Column(
        accessor="floor__building",
        verbose_name=_("Building"),
        linkify=link_value,
        order_by=("floor__building__name", "floor__number", "number"),
    )
    floor = tables.Column(linkify=link_value, order_by=("floor__building__name", "floor__number"))
    department = tables.Column(linkify=link_value, order_by=("department__name",))
    is_active = BooleanColumn()
    actions = ActionsColumn("org:room_edit")

    class Meta(BaseTable.Meta):
        model = Room
        fields = (
            "number",
            "name",
            "building",
            "floor",
            "room_type",
            "department",
            "area",
            "capacity",
            "is_active",
        )


class DepartmentTable(BaseTable):
    name = tables.Column(linkify=link_record)
    head = tables.Column(order_by=("head__full_name",))
    member_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})
    is_active = BooleanColumn()
    actions = ActionsColumn("org:department_edit")

    class Meta(BaseTable.Meta):
        model = Department
        fields = ("name", "code", "kind", "head", "member_count", "is_active")


class SchoolClassTable(BaseTable):
    label = tables.Column(
        accessor="pk", verbose_name=_("Class"), linkify=link_record, order_by=("grade", "number")
    )
    class_teacher = tables.Column(order_by=("class_teacher__full_name",))
    room = tables.Column(
        linkify=link_value, order_by=("room__floor__building__name", "room__number")
    )
    is_active = BooleanColumn()
    actions = ActionsColumn("org:class_edit")

    class Meta(BaseTable.Meta):
        model = SchoolClass
        fields = (
            "label",
            "grade",
            "number",
            "class_teacher",
            "student_count",
            "room",
            "entry_year",
            "is_active",
        )

    def render_label(self, record):
        return str(record)

    def value_label(self, record):
        return str(record)


class CompanyTable(BaseTable):
    name = tables.Column(linkify=link_record)
    member_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})
    is_active = BooleanColumn()
    actions = ActionsColumn("org:company_edit")

    class Meta(BaseTable.Meta):
        model = Company
        fields = ("name", "contact_name", "contact_phone", "member_count", "is_active")


class MembershipTable(BaseTable):
    full_name = tables.Column(
        accessor="user__full_name",
        verbose_name=_("Full name"),
        linkify=link_record,
        order_by=("user__full_name",),
    )
    username = tables.Column(accessor="user__username", verbose_name=_("Username"))
    phone = tables.Column(accessor="user__phone", verbose_name=_("Mobile phone"))
    department = tables.Column(linkify=link_value, order_by=("department__name",))
    company = tables.Column(linkify=link_value, order_by=("company__name",))
    roles = tables.ManyToManyColumn(
        verbose_name=_("Roles"),
        transform=lambda assignment: assignment.get_role_display(),
        orderable=False,
    )
    is_active = BooleanColumn()
    actions = ActionsColumn("org:member_edit")

    class Meta(BaseTable.Meta):
        model = Membership
        fields = (
            "full_name",
            "username",
            "employee_no",
            "phone",
            "department",
            "company",
            "title",
            "roles",
            "is_active",
        )


class AcademicYearTable(BaseTable):
    name = tables.Column(linkify=("org:year_edit", [tables.A("pk")]))
    term_count = tables.Column(verbose_name=_("Terms"), attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = AcademicYear
        fields = ("name", "start_date", "end_date", "term_count")


class TermTable(BaseTable):
    name = tables.Column(linkify=("org:term_edit", [tables.A("pk")]))
    year = tables.Column(order_by=("year__start_date",))

    class Meta(BaseTable.Meta):
        model = Term
        fields = ("name", "year", "number", "start_date", "end_date")


class HolidayTable(BaseTable):
    name = tables.Column(linkify=("org:holiday_edit", [tables.A("pk")]))

    class Meta(BaseTable.Meta):
        model = Holiday
        fields = ("name", "start_date", "end_date")
