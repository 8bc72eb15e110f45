"""Serializers of the org API: places, calendar, departments, classes, companies, people."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from houqin.core.api import RestrictedModelSerializer, acting_school_id
from houqin.core.scoping import access_for

from . import models as org
from .filters import member_users
from .roles import Role


def school_members(request):
    """Users with an active membership in the acting school: who may head or teach."""
    return member_users(org.User.objects.all(), acting_school_id(request))


class SchoolSerializer(serializers.ModelSerializer):
    is_current = serializers.SerializerMethodField(help_text=_("The school this request acts in."))

    class Meta:
        model = org.School
        fields = ["id", "code", "name", "short_name", "address", "phone", "time_zone", "is_current"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_current(self, school) -> bool:
        request = self.context.get("request")
        return bool(request) and school.pk == access_for(request.user).school_id


class AcademicYearSerializer(RestrictedModelSerializer):
    class Meta:
        model = org.AcademicYear
        fields = ["id", "name", "start_date", "end_date"]


class TermSerializer(RestrictedModelSerializer):
    year_name = serializers.CharField(source="year.name", read_only=True)

    class Meta:
        model = org.Term
        fields = ["id", "year", "year_name", "number", "name", "start_date", "end_date"]


class HolidaySerializer(RestrictedModelSerializer):
    class Meta:
        model = org.Holiday
        fields = ["id", "name", "start_date", "end_date"]


class CampusSerializer(RestrictedModelSerializer):
    class Meta:
        model = org.Campus
        fields = ["id", "name", "code", "address"]


class BuildingSerializer(RestrictedModelSerializer):
    campus_name = serializers.CharField(source="campus.name", read_only=True)

    class Meta:
        model = org.Building
        fields = ["id", "campus", "campus_name", "name", "code", "built_year"]


class FloorSerializer(RestrictedModelSerializer):
    building_name = serializers.CharField(source="building.name", read_only=True)

    class Meta:
        model = org.Floor
        fields = ["id", "building", "building_name", "number", "name"]


class RoomSerializer(RestrictedModelSerializer):
    """A room; ``qr_token`` is shown only to those who may change rooms (it opens reporting)."""

    building = serializers.IntegerField(source="floor.building_id", read_only=True)
    building_name = serializers.CharField(source="floor.building.name", read_only=True)
    floor_number = serializers.IntegerField(source="floor.number", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default="")

    class Meta:
        model = org.Room
        fields = [
            "id",
            "floor",
            "floor_number",
            "building",
            "building_name",
            "number",
            "name",
            "room_type",
            "area",
            "capacity",
            "department",
            "department_name",
            "is_active",
            "qr_token",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        view = self.context.get("view")
        if getattr(view, "swagger_fake_view", False):
            return fields
        if request is None or not access_for(request.user).has_perm("org.change_room"):
            fields.pop("qr_token", None)
        return fields


class DepartmentSerializer(RestrictedModelSerializer):
    related_querysets = {"head": school_members}
    head_name = serializers.CharField(source="head.full_name", read_only=True, default="")

    class Meta:
        model = org.Department
        fields = ["id", "name", "code", "kind", "head", "head_name", "is_active"]


class SchoolClassSerializer(RestrictedModelSerializer):
    related_querysets = {"class_teacher": school_members}
    display_name = serializers.CharField(source="__str__", read_only=True)
    class_teacher_name = serializers.CharField(
        source="class_teacher.full_name", read_only=True, default=""
    )

    class Meta:
        model = org.SchoolClass
        fields = [
            "id",
            "grade",
            "number",
            "display_name",
            "entry_year",
            "class_teacher",
            "class_teacher_name",
            "student_count",
            "room",
            "is_active",
        ]


class CompanySerializer(RestrictedModelSerializer):
    class Meta:
        model = org.Company
        fields = ["id", "name", "contact_name", "contact_phone", "is_active"]


class PersonUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = org.User
        fields = ["id", "username", "full_name", "phone"]
        read_only_fields = fields


class PersonSerializer(RestrictedModelSerializer):
    """A person in the acting school: their membership, user fields and role codes."""

    user = PersonUserSerializer(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default="")
    company_name = serializers.CharField(source="company.name", read_only=True, default="")
    roles = serializers.SerializerMethodField()

    class Meta:
        model = org.Membership
        fields = [
            "id",
            "user",
            "employee_no",
            "department",
            "department_name",
            "company",
            "company_name",
            "title",
            "is_active",
            "roles",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, membership) -> list[str]:
        return sorted(membership.role_codes)


class PersonWriteSerializer(RestrictedModelSerializer):
    """A person's details and roles in the acting school (``services.update_member``)."""

    full_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), allow_empty=False
    )

    class Meta:
        model = org.Membership
        fields = [
            "full_name",
            "phone",
            "employee_no",
            "department",
            "company",
            "title",
            "is_active",
            "roles",
        ]
        extra_kwargs = {"employee_no": {"required": False}, "title": {"required": False}}


class PersonCreateSerializer(PersonWriteSerializer):
    """What it takes to add a person to the acting school (``services.create_member``)."""

    username = serializers.CharField(max_length=150)

    class Meta(PersonWriteSerializer.Meta):
        fields = ["username", *[f for f in PersonWriteSerializer.Meta.fields if f != "is_active"]]
