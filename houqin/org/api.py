"""The org API: schools, calendar, places, departments, classes, companies and people.

Every viewset builds on ``houqin.core.api`` (scoping by ``restrict``, school from the acting
school, errors as JSON); lists select their related rows so the query count stays fixed.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from houqin.core.api import RestrictedReadOnlyViewSet, RestrictedViewSet, acting_school_id

from . import filters, services
from . import models as org
from . import serializers as s


class SchoolViewSet(RestrictedReadOnlyViewSet):
    """The schools the user belongs to (what ``X-Houqin-School`` may select)."""

    queryset = org.School.objects.all()
    serializer_class = s.SchoolSerializer

    def scoped(self, action):
        user = self.request.user
        # Not restrict(): this lists the user's own memberships across schools, which is the
        # one cross-school question every member may ask (the school switcher asks it too).
        qs = org.School.objects.filter(is_active=True)
        if user.is_superuser:
            return qs
        mine = org.Membership.objects.filter(user=user, is_active=True).values("school_id")
        return qs.filter(pk__in=mine)


class AcademicYearViewSet(RestrictedViewSet):
    queryset = org.AcademicYear.objects.all()
    serializer_class = s.AcademicYearSerializer
    filterset_class = filters.AcademicYearFilterSet


class TermViewSet(RestrictedViewSet):
    queryset = org.Term.objects.select_related("year")
    serializer_class = s.TermSerializer
    filterset_class = filters.TermFilterSet


class HolidayFilterSet(filters.HolidayFilterSet):
    # Only tells the schema that ``year`` is an id; drop this once filters.py says it itself.
    @extend_schema_field(OpenApiTypes.INT)
    def in_year(self, queryset, name, value):
        return super().in_year(queryset, name, value)


class HolidayViewSet(RestrictedViewSet):
    queryset = org.Holiday.objects.all()
    serializer_class = s.HolidaySerializer
    filterset_class = HolidayFilterSet


class CampusViewSet(RestrictedViewSet):
    queryset = org.Campus.objects.all()
    serializer_class = s.CampusSerializer
    filterset_class = filters.CampusFilterSet


class BuildingViewSet(RestrictedViewSet):
    queryset = org.Building.objects.select_related("campus")
    serializer_class = s.BuildingSerializer
    filterset_class = filters.BuildingFilterSet


class FloorViewSet(RestrictedViewSet):
    queryset = org.Floor.objects.select_related("building")
    serializer_class = s.FloorSerializer
    filterset_class = filters.FloorFilterSet


class RoomViewSet(RestrictedViewSet):
    queryset = org.Room.objects.select_related("floor__building", "department")
    serializer_class = s.RoomSerializer
    filterset_class = filters.RoomFilterSet


class DepartmentViewSet(RestrictedViewSet):
    queryset = org.Department.objects.select_related("head")
    serializer_class = s.DepartmentSerializer
    filterset_class = filters.DepartmentFilterSet


class SchoolClassViewSet(RestrictedViewSet):
    queryset = org.SchoolClass.objects.select_related("class_teacher", "room")
    serializer_class = s.SchoolClassSerializer
    filterset_class = filters.SchoolClassFilterSet


class CompanyViewSet(RestrictedViewSet):
    queryset = org.Company.objects.all()
    serializer_class = s.CompanySerializer
    filterset_class = filters.CompanyFilterSet


class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyViewSet):
    """People of the acting school. Adding and changing go through ``services``; people are
    never deleted here (set ``is_active`` false instead)."""

    queryset = org.Membership.objects.select_related(
        "user", "department", "company"
    ).prefetch_related("roles")
    serializer_class = s.PersonSerializer
    filterset_class = filters.MembershipFilterSet

    def get_serializer_class(self):
        if self.action == "create":
            return s.PersonCreateSerializer
        if self.action in ("update", "partial_update"):
            return s.PersonWriteSerializer
        return s.PersonSerializer

    def _answer(self, membership, status_code):
        membership = self.scoped("view").get(pk=membership.pk)
        body = s.PersonSerializer(membership, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @extend_schema(request=s.PersonCreateSerializer, responses={201: s.PersonSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.create_member(
            school=org.School.objects.get(pk=acting_school_id(request)),
            by=request.user,
            **serializer.validated_data,
        )
        return self._answer(membership, status.HTTP_201_CREATED)

    @extend_schema(request=s.PersonWriteSerializer, responses={200: s.PersonSerializer})
    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        current = {
            "full_name": membership.user.full_name,
            "phone": membership.user.phone,
            "employee_no": membership.employee_no,
            "department": membership.department,
            "company": membership.company,
            "title": membership.title,
            "is_active": membership.is_active,
            "roles": membership.role_codes,
        }
        membership = services.update_member(
            membership=membership, by=request.user, **{**current, **serializer.validated_data}
        )
        return self._answer(membership, status.HTTP_200_OK)

    @extend_schema(request=s.PersonWriteSerializer, responses={200: s.PersonSerializer})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


router = SimpleRouter()
router.register("schools", SchoolViewSet, basename="school")
router.register("years", AcademicYearViewSet, basename="academicyear")
router.register("terms", TermViewSet, basename="term")
router.register("holidays", HolidayViewSet, basename="holiday")
router.register("campuses", CampusViewSet, basename="campus")
router.register("buildings", BuildingViewSet, basename="building")
router.register("floors", FloorViewSet, basename="floor")
router.register("rooms", RoomViewSet, basename="room")
router.register("departments", DepartmentViewSet, basename="department")
router.register("classes", SchoolClassViewSet, basename="schoolclass")
router.register("companies", CompanyViewSet, basename="company")
router.register("people", PersonViewSet, basename="person")
