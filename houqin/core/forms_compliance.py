"""The form that tightens one compliance figure: a number for minimums and maximums, a switch
for duties. The service (``compliance.tighten``) decides whether the figure is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance
from houqin.core.errors import DomainError
from houqin.core.views.generic import style_form


class TightenForm(forms.Form):
    value = forms.CharField(label=_("The school's figure"), max_length=20)
    note = forms.CharField(
        label=_("Why"), max_length=200, required=False,
        help_text=_("For example the local rule or the school board's decision."),
    )  # fmt: skip

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule.kind == compliance.Kind.DUTY:
            self.fields["value"] = forms.BooleanField(
                label=_("Required at this school"), required=False
            )
        else:
            self.fields["value"] = forms.DecimalField(
                label=_("The school's figure"), min_value=0, max_digits=12, decimal_places=2,
                help_text=(
                    _("At least the national %(default)s; you may raise it.")
                    if rule.kind == compliance.Kind.MINIMUM
                    else _("At most the national %(default)s; you may lower it.")
                ) % {"default": rule.default},
            )  # fmt: skip
        style_form(self)

    def clean_value(self):
        value = self.cleaned_data["value"]
        try:
            compliance.parse(self.rule, value)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return value

    def display_value(self) -> str:
        value = self.cleaned_data["value"]
        if isinstance(value, bool):
            return gettext("required") if value else gettext("not required")
        unit = f" {self.rule.unit}" if self.rule.unit else ""
        return f"{value.normalize():f}{unit}"
