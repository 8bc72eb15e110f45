"""Forms of the canteen and water pages. Model forms are limited to the school
(``TenantModelForm``); the services do every write and every rule check."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.attachments import InvalidUpload, validate_upload
from houqin.core.views.generic import TenantModelForm, style_form

from .models.food import CanteenSettings, Dish, DisinfectionMethod, MealKind
from .models.goods import GoodsCheck, SupplierLicence
from .models.staff import FoodHandler
from .models.water import Dispenser, EducationCampaign, WaterContract, WaterTest

MAX_FILES = 10


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Scans or photos of documents (licences, certificates, reports), checked by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,.heic,.pdf", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(count)d files can be added.") % {"count": MAX_FILES})
        for f in files:
            super().clean(f, initial)
            try:
                validate_upload(f)
            except InvalidUpload as exc:
                raise ValidationError(str(exc.message)) from None
        return files


class DatedModelForm(TenantModelForm):
    """Date fields as the browser's date picker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_input()
                field.widget.attrs["class"] = "form-control"


class SettingsForm(TenantModelForm):
    class Meta:
        model = CanteenSettings
        fields = ["serves_breakfast", "serves_lunch", "serves_dinner", "caterer"]


class DishForm(TenantModelForm):
    class Meta:
        model = Dish
        fields = ["name", "is_active"]


class FoodHandlerForm(DatedModelForm):
    class Meta:
        model = FoodHandler
        fields = [
            "name",
            "company",
            "job",
            "phone",
            "user",
            "certificate_number",
            "certificate_issued",
            "certificate_expires",
            "is_active",
        ]


class GoodsCheckForm(DatedModelForm):
    documents = DocumentsField(
        label=_("Supplier documents"),
        help_text=_("Licence, inspection certificate, delivery note: photos or PDF."),
    )

    class Meta:
        model = GoodsCheck
        fields = [
            "date", "company", "supplier_name", "goods", "quantity", "unit", "batch", "production_date",
            "shelf_life_days", "licence_seen", "certificate_seen", "accepted", "refusal_reason",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class SupplierLicenceForm(DatedModelForm):
    documents = DocumentsField(label=_("Licence copy"))

    class Meta:
        model = SupplierLicence
        fields = ["company", "supplier_name", "kind", "licence_number", "issued", "expires"]


class WaterContractForm(DatedModelForm):
    documents = DocumentsField(label=_("Contract file"))

    class Meta:
        model = WaterContract
        fields = [
            "company",
            "title",
            "contract_number",
            "start_date",
            "end_date",
            "contact_name",
            "contact_phone",
            "note",
        ]


class DispenserForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",)}

    class Meta:
        model = Dispenser
        fields = ["room", "location", "model", "filter_days", "is_active"]


class WaterTestForm(DatedModelForm):
    documents = DocumentsField(label=_("Test report"))
    choice_select_related = {"dispenser": ("room__floor__building",)}

    class Meta:
        model = WaterTest
        fields = ["date", "dispenser", "place", "tested_by", "results", "passed"]


class EducationCampaignForm(DatedModelForm):
    documents = DocumentsField(label=_("Material"))

    class Meta:
        model = EducationCampaign
        fields = ["date", "topic", "audience", "participants", "summary"]


# ---------------------------------------------------------------- plain forms of the day's records


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class MealForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=date_input())
    kind = forms.ChoiceField(label=_("Meal"), choices=MealKind.choices)
    listed = forms.MultipleChoiceField(
        label=_("Dishes from the list"), required=False, widget=forms.CheckboxSelectMultiple
    )
    others = forms.CharField(
        label=_("Other dishes"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, or separated by commas."),
    )  # fmt: skip
    diners = forms.IntegerField(label=_("Diners"), required=False, min_value=0)

    def __init__(self, *args, dishes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listed"].choices = [(d, d) for d in dishes]

    @property
    def dish_names(self) -> list[str]:
        names = list(self.cleaned_data.get("listed") or [])
        for part in (
            (self.cleaned_data.get("others") or "")
            .replace("，", ",")
            .replace("、", ",")
            .replace("\n", ",")
            .split(",")
        ):
            if part.strip():
                names.append(part.strip())
        return names


class DisinfectionForm(StyledForm):
    method = forms.ChoiceField(label=_("Method"), choices=DisinfectionMethod.choices)
    items = forms.CharField(
        label=_("Tableware"), max_length=120, initial=_("Bowls, plates, trays, spoons")
    )
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=5, decimal_places=1
    )
    concentration = forms.DecimalField(
        label=_("Concentration (mg/L)"), required=False, max_digits=7, decimal_places=1
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, initial=15)
    done_by_name = forms.CharField(label=_("Done by"), max_length=60, required=False)


class AccompaniedForm(StyledForm):
    leader = forms.TypedChoiceField(label=_("Leader"), coerce=int, required=False)
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)]
    )
    problems = forms.CharField(
        label=_("Problems found"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.CharField(
        label=_("Action taken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("Myself"))] + [(u.pk, str(u)) for u in leaders]


class DutyForm(StyledForm):
    meal_kind = forms.ChoiceField(
        label=_("Meal"), choices=[("", _("All day"))] + list(MealKind.choices), required=False
    )
    handlers = forms.TypedMultipleChoiceField(
        label=_("Handlers on duty"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].choices = [(h.pk, h.name) for h in handlers]


class FilterChangeForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=date_input(), initial=timezone.localdate)
    done_by_name = forms.CharField(label=_("Changed by"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FollowUpForm(StyledForm):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
