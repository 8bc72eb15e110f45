"""Forms of the org pages. Every choice of a related row is limited to the current school."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import scope_choices
from houqin.core.views.generic import TenantModelForm, style_form

from .filters import floor_label
from .models import (
    AcademicYear,
    Building,
    Campus,
    Company,
    Department,
    Floor,
    Holiday,
    Room,
    SchoolClass,
    Term,
    User,
)
from .roles import Role

DATE_WIDGET = {"type": "date"}

mobile_phone = RegexValidator(
    r"^1\d{10}$", _("Enter an 11-digit mainland mobile number, e.g. 13800000000.")
)


def date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


class FloorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return floor_label(obj)


class CampusForm(TenantModelForm):
    class Meta:
        model = Campus
        fields = ["name", "code", "address"]


class BuildingForm(TenantModelForm):
    class Meta:
        model = Building
        fields = ["campus", "name", "code", "built_year"]


class FloorForm(TenantModelForm):
    class Meta:
        model = Floor
        fields = ["building", "number", "name"]


class RoomForm(TenantModelForm):
    choice_select_related = {"floor": ("building",)}

    class Meta:
        model = Room
        fields = [
            "floor",
            "number",
            "name",
            "room_type",
            "area",
            "capacity",
            "department",
            "is_active",
        ]
        field_classes = {"floor": FloorChoiceField}


class DepartmentForm(TenantModelForm):
    class Meta:
        model = Department
        fields = ["name", "code", "kind", "head", "is_active"]


class SchoolClassForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",)}

    class Meta:
        model = SchoolClass
        fields = [
            "grade",
            "number",
            "entry_year",
            "class_teacher",
            "student_count",
            "room",
            "is_active",
        ]


class CompanyForm(TenantModelForm):
    class Meta:
        model = Company
        fields = ["name", "contact_name", "contact_phone", "is_active"]


class AcademicYearForm(TenantModelForm):
    class Meta:
        model = AcademicYear
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": date_input(), "end_date": date_input()}


class TermForm(TenantModelForm):
    class Meta:
        model = Term
        fields = ["year", "number", "name", "start_date", "end_date"]
        widgets = {"start_date": date_input(), "end_date": date_input()}


class HolidayForm(TenantModelForm):
    class Meta:
        model = Holiday
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": date_input(), "end_date": date_input()}


class MemberForm(forms.Form):
    """A person and their place in this school; saved by ``services.create_member``/``update_member``."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("If this username already exists, that person joins this school."),
        validators=[User.username_validator],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[mobile_phone]
    )
    employee_no = forms.CharField(label=_("Employee number"), max_length=30, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.all(),
        required=False,
        help_text=_("Only for the staff of an outside company (property management, caterer)."),
    )
    title = forms.CharField(label=_("Job title"), max_length=60, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Only for a new person. Leave empty to set it later."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, school_id, membership=None, **kwargs):
        if membership is not None:
            kwargs.setdefault("initial", {}).update(
                username=membership.user.username,
                full_name=membership.user.full_name,
                phone=membership.user.phone,
                employee_no=membership.employee_no,
                department=membership.department_id,
                company=membership.company_id,
                title=membership.title,
                roles=membership.role_codes,
                is_active=membership.is_active,
            )
        super().__init__(*args, **kwargs)
        self.membership = membership
        for name in ("department", "company"):
            self.fields[name].queryset = scope_choices(self.fields[name].queryset, user, school_id)
        if membership is not None:
            # The username belongs to the person, across schools: not edited here.
            self.fields["username"].disabled = True
            self.fields["username"].help_text = ""
            del self.fields["password"]
        else:
            del self.fields["is_active"]
        style_form(self)

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password
