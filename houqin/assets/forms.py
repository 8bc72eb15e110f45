"""Register forms: an asset card (add and edit), a category, the school's asset settings.

The forms validate and offer the school's choices only; saving goes through the services
(``services.register_asset`` / ``register_batch`` / ``update_asset``, ``categories``)."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from houqin.core.attachments import InvalidUpload, validate_upload
from houqin.core.filters import PlainSelect, room_label, user_label
from houqin.core.views.generic import TenantModelForm, style_form

from .categories import STANDARD_EDITABLE
from .filters import _category_label
from .models import Asset, AssetCategory, AssetSettings, AssetStatus
from .services import MANUAL_STATUSES, MAX_BATCH, MAX_PHOTOS


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``max_files`` photos (or, with ``images_only=False``, also scans such as PDFs),
    each checked by its content (not its name)."""

    def __init__(self, *args, images_only=True, max_files=MAX_PHOTOS, **kwargs):
        self.images_only, self.max_files = images_only, max_files
        accept = "image/*,.heic" if images_only else "image/*,.heic,.pdf"
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(
                _("At most %(count)d photos can be added.") % {"count": self.max_files}
            )
        for f in files:
            super().clean(f, initial)
            try:
                info = validate_upload(f)
            except InvalidUpload as exc:
                raise ValidationError(str(exc.message)) from None
            if self.images_only and not info.is_image:
                raise ValidationError(
                    _("“%(name)s” is not a photo.") % {"name": getattr(f, "name", "")}
                )
        return files


def _clean_new_number(form, current=None):
    """A given number must be new in the school: the service's message, before the model's."""
    from .services import _numbers_taken, duplicate_message

    number = (form.cleaned_data.get("number") or "").strip()
    if number and number != current and _numbers_taken(form.school_id, [number]):
        raise ValidationError(duplicate_message(number))
    return number


_PLAIN = {
    "category": PlainSelect(values=("code", "name"), label=_category_label),
    "room": PlainSelect(
        values=("number", "name", "floor_id", "floor__building__name"), label=room_label
    ),
    "department": PlainSelect,
    "custodian": PlainSelect(values=("full_name", "username"), label=user_label),
}

DESCRIPTION_FIELDS = [
    "number",
    "name",
    "category",
    "model",
    "brand",
    "serial_number",
    "quantity",
    "unit",
    "unit_price",
    "total_value",
    "funding_source",
    "acquisition_mode",
    "use_direction",
    "acquired_on",
    "supplier",
    "invoice_number",
    "warranty_until",
    "useful_life_years",
    "notes",
]


class AssetForm(TenantModelForm):
    """A new asset card, or a received batch of identical ones (``count``)."""

    choice_select_related = {"room": ("floor__building",)}

    count = forms.IntegerField(
        label=_("Number of assets"),
        min_value=1,
        max_value=MAX_BATCH,
        initial=1,
        help_text=_(
            "More than 1: a batch received together, one card each with consecutive numbers. "
            "For identical items kept as one card (120 desks), use the quantity instead."
        ),
    )
    photos = PhotosField(label=_("Photos"))

    class Meta:
        model = Asset
        fields = [
            *DESCRIPTION_FIELDS[:10],
            "count",
            *DESCRIPTION_FIELDS[10:],
            "room",
            "department",
            "custodian",
            "status",
            "photos",
        ]
        widgets = {
            **_PLAIN,
            "acquired_on": date_input(),
            "warranty_until": date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _(
            "Leave empty to take the next number. A given number must be new in your school."
        )
        self.fields["total_value"].required = False
        self.fields["total_value"].help_text = _("Leave empty for quantity × unit value.")
        self.fields["unit"].help_text = _("Leave empty for the category's unit.")
        self.fields["status"].choices = [
            (value, label) for value, label in AssetStatus.choices if value in MANUAL_STATUSES
        ]
        self.fields["category"].queryset = self.fields["category"].queryset.filter(is_active=True)
        rooms = self.fields["room"]
        rooms.queryset = rooms.queryset.filter(is_active=True).only(
            "number", "name", "floor__building__name", "floor__building__campus_id"
        )

    def clean_number(self):
        return _clean_new_number(self)

    def clean(self):
        data = super().clean()
        if (data.get("count") or 1) > 1 and data.get("number"):
            self.add_error(
                "number", _("A batch takes consecutive new numbers: leave the number empty.")
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in self.Meta.fields
            if name not in ("number", "count", "photos")
        }
        if fields.get("total_value") is None:
            fields.pop("total_value")
        return fields


class AssetEditForm(TenantModelForm):
    """A card's description and values; place and custodian change by Move."""

    class Meta:
        model = Asset
        fields = [*DESCRIPTION_FIELDS, "kind"]
        widgets = {
            "category": _PLAIN["category"],
            "acquired_on": date_input(),
            "warranty_until": date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, data=None, files=None, *, instance, **kwargs):
        # The form works on a copy: the service compares the card before and after.
        self.original = instance
        super().__init__(data, files, instance=copy.copy(instance), **kwargs)
        self.fields["kind"].help_text = _(
            "Decided by the unit value and the category; change it only to follow the books."
        )
        self.fields["total_value"].help_text = _(
            "Recomputed as quantity × unit value when either changes, unless you change it too."
        )

    def clean_number(self):
        return _clean_new_number(self, current=self.original.number)

    def changes(self) -> dict:
        """The fields whose value the user changed, with their new values."""
        return {
            name: self.cleaned_data[name] for name in self.changed_data if name in self.Meta.fields
        }


class CategoryForm(TenantModelForm):
    class Meta:
        model = AssetCategory
        fields = [
            "parent",
            "code",
            "name",
            "edu_code",
            "useful_life_years",
            "depreciates",
            "value_rule",
            "default_unit",
            "is_active",
        ]
        widgets = {"parent": PlainSelect(values=("code", "name"), label=_category_label)}

    def __init__(self, data=None, files=None, *, instance, **kwargs):
        self.original = instance
        super().__init__(data, files, instance=copy.copy(instance), **kwargs)
        self.fields["parent"].required = True
        if instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=instance.pk)
        if instance.is_standard:
            # The national classification's code, name and rules are not the school's to change.
            for name, field in self.fields.items():
                if name not in STANDARD_EDITABLE:
                    field.disabled = True
            if instance.parent_id is None:
                self.fields["parent"].required = False
        if not instance.pk:
            self.fields.pop("is_active")
            for name in ("useful_life_years", "depreciates", "value_rule", "default_unit"):
                self.fields[name].required = False
            self.fields["depreciates"] = forms.NullBooleanField(
                label=self.fields["depreciates"].label,
                required=False,
                widget=forms.Select(
                    choices=(
                        ("unknown", _("As the parent")),
                        ("true", _("Yes")),
                        ("false", _("No")),
                    )
                ),
            )
            self.fields["value_rule"].choices = [("", _("As the parent"))] + [
                c for c in self.fields["value_rule"].choices if c[0]
            ]
            self.fields["useful_life_years"].help_text = _("Leave empty to use the parent's.")
            self.fields["default_unit"].help_text = _("Leave empty to use the parent's.")
            style_form(self)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        instance = self.original
        if parent is not None and instance.pk:
            # A category cannot move under itself or one of its own sub-categories.
            from .filters import category_and_descendants

            if parent.pk in category_and_descendants(instance):
                raise ValidationError(_("A category cannot be placed under itself."))
        return parent

    def _post_clean(self):
        if self.original.pk is None:
            # Inherited values are filled in by the service: no model validation yet.
            return
        super()._post_clean()

    def add_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "parent": data["parent"],
            "code": data["code"],
            "name": data["name"],
            "edu_code": data.get("edu_code", ""),
            "useful_life_years": data.get("useful_life_years"),
            "depreciates": data.get("depreciates"),
            "value_rule": data.get("value_rule") or None,
            "default_unit": data.get("default_unit") or None,
        }

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.fields and not self.fields[name].disabled
        }


class SettingsForm(TenantModelForm):
    class Meta:
        model = AssetSettings
        fields = [
            "number_prefix",
            "number_with_year",
            "number_digits",
            "fixed_threshold",
            "special_threshold",
            "label_title",
        ]
