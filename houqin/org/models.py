"""Who and where: schools (the tenants), their calendar, places, departments, classes, people."""

import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel, TimeStampedModel
from houqin.core.scoping import RestrictedManager

from .roles import Role


def new_qr_token() -> str:
    """A random, unguessable token for a place's or asset's QR code (128 bits)."""
    return secrets.token_urlsafe(16)


class District(TimeStampedModel):
    """An education bureau (教育局) that runs one installation for many schools."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class School(TimeStampedModel):
    """The tenant: every record in Houqin belongs to exactly one school."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    @classmethod
    def owned_q(cls, access, action):
        # A member sees the school they belong to.
        return Q(pk=access.school_id) if action == "view" else None


class AcademicYear(TenantModel):
    """学年: e.g. 2026-2027, from September to the next summer."""

    name = models.CharField(_("name"), max_length=40)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_year_name"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="year_dates_order"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class Term(TenantModel):
    """学期: every report in Houqin is by term."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="terms", verbose_name=_("academic year"))
    number = models.PositiveSmallIntegerField(_("term number"), choices=[(1, _("First term")), (2, _("Second term"))])
    name = models.CharField(_("name"), max_length=60)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="uniq_term_number"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="term_dates_order"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.year_id and self.start_date and self.end_date and (
            self.start_date < self.year.start_date or self.end_date > self.year.end_date
        ):
            raise ValidationError(_("A term must lie within its academic year."))

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class Holiday(TenantModel):
    """A day or span without school (national holidays, winter and summer breaks)."""

    name = models.CharField(_("name"), max_length=60)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="holiday_dates_order"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


# ---------------------------------------------------------------- places


class Campus(TenantModel):
    """校区."""

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_campus_name")]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class Building(TenantModel):
    """楼: a building on a campus."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("campus"))
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["campus__name", "name"]
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="uniq_building_name")]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class Floor(TenantModel):
    """A floor of a building; negative numbers are basements."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="floors", verbose_name=_("building"))
    number = models.SmallIntegerField(_("floor number"))
    name = models.CharField(_("name"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building__name", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="uniq_floor_number")]

    def __str__(self):
        return self.name or _("Floor %(number)s") % {"number": self.number}

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class RoomType(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    OFFICE = "office", _("Office")
    LAB = "lab", _("Laboratory")
    FUNCTION = "function", _("Function room")
    VENUE = "venue", _("Venue")
    DORMITORY = "dormitory", _("Dormitory")
    CANTEEN = "canteen", _("Canteen")
    OUTDOOR = "outdoor", _("Outdoor area")
    OTHER = "other", _("Other")


class Room(TenantModel):
    """A room or outdoor area: the place a repair, an asset or an inspection points at."""

    floor = models.ForeignKey(Floor, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("floor"))
    number = models.CharField(_("room number"), max_length=20)
    name = models.CharField(_("name"), max_length=60, blank=True)
    room_type = models.CharField(_("room type"), max_length=20, choices=RoomType.choices, default=RoomType.CLASSROOM)
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    department = models.ForeignKey(
        "Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="rooms",
        verbose_name=_("department in charge"),
    )
    qr_token = models.CharField(_("QR token"), max_length=32, unique=True, default=new_qr_token, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["floor__building__name", "floor__number", "number"]
        constraints = [models.UniqueConstraint(fields=["floor", "number"], name="uniq_room_number")]

    def __str__(self):
        return f"{self.floor.building.name} {self.label}" if self.floor_id else self.label

    @property
    def label(self):
        return f"{self.number} {self.name}".strip() if self.name and self.name != self.number else self.number

    def get_absolute_url(self):
        return reverse("org:room_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


# ---------------------------------------------------------------- people


class User(AbstractUser):
    """A person who logs in. Belongs to schools through memberships."""

    full_name = models.CharField(_("full name"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    current_school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("current school"),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username


class DepartmentKind(models.TextChoices):
    OFFICE = "office", _("Administrative office")
    SUBJECT = "subject", _("Subject group")
    GRADE = "grade", _("Grade group")
    OTHER = "other", _("Other")


class Department(TenantModel):
    """处室 or 教研组: owns requests, budgets and rooms; its head approves."""

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.OFFICE)
    head = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="headed_departments",
        verbose_name=_("head"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_department_name")]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        if action == "view":
            return Q()
        if action == "change":
            return Q(head=access.user)
        return None


GRADE_NAMES = {
    1: _("Grade 1"), 2: _("Grade 2"), 3: _("Grade 3"), 4: _("Grade 4"), 5: _("Grade 5"),
    6: _("Grade 6"), 7: _("Junior 1"), 8: _("Junior 2"), 9: _("Junior 3"),
    10: _("Senior 1"), 11: _("Senior 2"), 12: _("Senior 3"),
}


class SchoolClass(TenantModel):
    """班级: a grade and a number, with a class teacher and a student count."""

    grade = models.PositiveSmallIntegerField(_("grade"), choices=sorted(GRADE_NAMES.items()))
    number = models.PositiveSmallIntegerField(_("class number"))
    entry_year = models.PositiveSmallIntegerField(_("entry year"), null=True, blank=True)
    class_teacher = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="taught_classes",
        verbose_name=_("class teacher"),
    )
    student_count = models.PositiveIntegerField(_("students"), default=0)
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="classes", verbose_name=_("classroom")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "number"]
        constraints = [models.UniqueConstraint(fields=["school", "grade", "number"], name="uniq_class_grade_number")]

    def __str__(self):
        return _("%(grade)s Class %(number)s") % {"grade": self.get_grade_display(), "number": self.number}

    @classmethod
    def owned_q(cls, access, action):
        if action == "view":
            return Q()
        if action == "change":
            return Q(class_teacher=access.user)
        return None


class Company(TenantModel):
    """An outside company the school works with (property management, caterer, contractor)."""

    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_company_name")]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q(pk=access.company_id) if action == "view" and access.company_id else None


class Membership(TenantModel):
    """A person's place in one school: employee number, department, company, roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    employee_no = models.CharField(_("employee number"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="members",
        verbose_name=_("department"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("company"),
    )
    title = models.CharField(_("job title"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["employee_no", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="uniq_membership"),
            models.UniqueConstraint(
                fields=["school", "employee_no"], condition=~Q(employee_no=""), name="uniq_employee_no"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.school}"

    @property
    def role_codes(self) -> list[str]:
        return [r.role for r in self.roles.all()]

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        if access.company_id:
            # Contractor staff see their own company's people only.
            return Q(company_id=access.company_id) | Q(user=access.user)
        return Q(user=access.user)


class RoleAssignment(models.Model):
    """One role a member holds in their school (SPEC §2)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles", verbose_name=_("membership"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="uniq_role_assignment")]

    def __str__(self):
        return self.get_role_display()
