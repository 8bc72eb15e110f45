"""Forms of the print shop's pages. They only collect and check input; every change goes
through ``services_printing``."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError
from houqin.core.filters import scope_choices
from houqin.core.views.generic import TenantModelForm, style_form

from .models import Item, PaperSize, Store
from .models.printing import PrintQuota, PrintSides, default_sheets


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _org(name):
    return apps.get_model("org", name)


class PrintJobForm(forms.Form):
    """A new job (or a returned one changed), phone-first: the essentials at the top."""

    title = forms.CharField(label=_("Title"), max_length=120)
    file = forms.FileField(
        label=_("File to print"),
        required=False,
        help_text=_("PDF, Word, Excel or a photo. Or describe the job below."),
    )
    pages = forms.IntegerField(label=_("Pages"), min_value=1, max_value=10_000)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=5_000, initial=1)
    sides = forms.ChoiceField(
        label=_("Sides"), choices=PrintSides.choices, initial=PrintSides.DOUBLE
    )
    paper_size = forms.ChoiceField(
        label=_("Paper size"), choices=PaperSize.choices, initial=PaperSize.A4
    )
    colour = forms.BooleanField(label=_("Colour"), required=False)
    needed_by = forms.DateTimeField(label=_("Needed by"), widget=DateTimeInput())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("Empty: your own department."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stapling, binding, which pages in colour…"),
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential (exam papers)"),
        required=False,
        help_text=_("Only the print room and you see the job and its file."),
    )
    is_outside = forms.BooleanField(
        label=_("Outside job"),
        required=False,
        help_text=_("Not for the school's own teaching or offices: a leader approves it first."),
    )
    outside_for = forms.CharField(label=_("Outside job for"), max_length=100, required=False)

    def __init__(self, *args, user, school_id, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scope_choices(
            _org("Department").objects.filter(is_active=True), user, school_id
        )
        if not with_file:
            del self.fields["file"]
        style_form(self)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                validate_upload(upload)
            except DomainError as exc:
                raise forms.ValidationError(str(exc.message)) from None
        return upload

    def clean(self):
        data = super().clean()
        if data.get("is_confidential") and data.get("is_outside"):
            self.add_error(
                "is_outside", _("A confidential job (exam papers) cannot be an outside job.")
            )
        if data.get("is_outside") and not (data.get("outside_for") or "").strip():
            self.add_error("outside_for", _("Say whom the outside job is for."))
        needed_by = data.get("needed_by")
        if needed_by and needed_by < timezone.now() - timedelta(days=1):
            self.add_error("needed_by", _("This time has passed."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in (
                "title",
                "description",
                "pages",
                "copies",
                "sides",
                "paper_size",
                "colour",
                "needed_by",
                "is_confidential",
                "is_outside",
                "outside_for",
            )
        }
        if data.get("department") is not None:
            kwargs["department"] = data["department"]
        return kwargs


class FinishForm(forms.Form):
    sheets_used = forms.IntegerField(
        label=_("Sheets used"),
        min_value=1,
        help_text=_("Pages (halved when double-sided) × copies; change it for waste or a rerun."),
    )
    paper_item = forms.ModelChoiceField(
        label=_("Paper"),
        queryset=Item.objects.none(),
        required=False,
        help_text=_("Empty: the first paper of the job's size with enough in stock."),
    )

    def __init__(self, *args, job, **kwargs):
        kwargs.setdefault(
            "initial", {"sheets_used": default_sheets(job.pages, job.copies, job.sides)}
        )
        super().__init__(*args, **kwargs)
        self.fields["paper_item"].queryset = Item.objects.filter(
            school_id=job.school_id,
            paper_size=job.paper_size,
            sheets_per_unit__gt=0,
            is_active=True,
        ).order_by("sheets_per_unit", "code")
        style_form(self)


class CollectForm(forms.Form):
    collector_name = forms.CharField(
        label=_("Collected by"),
        max_length=60,
        required=False,
        help_text=_("Empty: the requester. Someone else: their name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class PrintQuotaForm(TenantModelForm):
    class Meta:
        model = PrintQuota
        fields = ["department", "term", "pages", "note"]


class PrintShopSettingsForm(forms.Form):
    store = forms.ModelChoiceField(
        label=_("Print room store"),
        queryset=Store.objects.none(),
        required=False,
        help_text=_("Paper for print jobs is drawn from this store."),
    )

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = scope_choices(
            Store.objects.filter(is_active=True), user, school_id
        )
        style_form(self)
