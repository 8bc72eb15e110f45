"""Forms of the approval settings pages: a policy's steps (a formset) and a delegation.

Rows of the step formset are added, removed and moved by submit buttons that rewrite the
posted data (``rows_added``, ``rows_without``, ``rows_swapped``), so the editor needs no
script and works the same on a phone.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.documents import StepSpec, condition_choices
from houqin.core.models.approvals import ApprovalStep, Delegation
from houqin.core.views.generic import TenantModelForm, style_form

STEP_PREFIX = "steps"
STEP_FIELDS = (
    "name",
    "kind",
    "role",
    "fallback_role",
    "min_amount",
    "max_amount",
    "collective_decision",
    "only_when",
)


def role_choices():
    """The roles a step may name (core learns them from the org app, at call time)."""
    from houqin.org.roles import Role

    return list(Role.choices)


def _blank_role_choices():
    return [("", _("(none)")), *role_choices()]


def _amount_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class StepForm(forms.Form):
    """One approval step as the director sees it."""

    name = forms.CharField(
        label=_("Step name"),
        max_length=60,
        required=False,
        help_text=_('Optional, e.g. "Vice principal in charge".'),
    )
    kind = forms.ChoiceField(
        label=_("Approver"), choices=ApprovalStep.Kind.choices, initial=ApprovalStep.Kind.ROLE
    )
    role = forms.ChoiceField(label=_("Role"), choices=_blank_role_choices, required=False)
    fallback_role = forms.ChoiceField(
        label=_("Fallback role"),
        choices=_blank_role_choices,
        required=False,
        help_text=_("Approves when the requester's department has no other head."),
    )
    min_amount = _amount_field(_("From amount (¥, inclusive)"))
    max_amount = _amount_field(_("Below amount (¥)"))
    collective_decision = forms.BooleanField(
        label=_("Collective decision (三重一大)"), required=False
    )
    only_when = forms.ChoiceField(
        label=_("Only when"),
        choices=lambda: [("", _("Always (within the amounts)")), *condition_choices()],
        required=False,
        help_text=_('e.g. "Over the budget": the step applies only to such documents.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ApprovalStep.Kind.ROLE:
            if not data.get("role"):
                self.add_error("role", _("Choose the role that approves this step."))
            # A fallback only matters when a department head may be missing.
            data["fallback_role"] = ""
        elif kind == ApprovalStep.Kind.DEPARTMENT_HEAD:
            data["role"] = ""
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low >= high:
            self.add_error(
                "max_amount",
                _(
                    "The upper amount (¥%(high)s) must be greater than the lower amount "
                    "(¥%(low)s). Leave it empty for no upper limit."
                )
                % {"high": high, "low": low},
            )
        return data

    def step_spec(self) -> StepSpec:
        data = self.cleaned_data
        return StepSpec(
            kind=data["kind"],
            role=data.get("role", ""),
            fallback_role=data.get("fallback_role", ""),
            min_amount=data.get("min_amount"),
            max_amount=data.get("max_amount"),
            collective_decision=bool(data.get("collective_decision")),
            name=data.get("name", ""),
            only_when=data.get("only_when", ""),
        )


class BaseStepFormSet(forms.BaseFormSet):
    """The steps in the order shown; blank rows are ignored, at least one step is needed."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.step_specs():
            raise forms.ValidationError(
                _("A policy needs at least one approval step. Add a step before saving."),
                code="no_steps",
            )

    def step_specs(self) -> list[StepSpec]:
        return [form.step_spec() for form in self.forms if form.has_changed()]


StepFormSet = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=0, max_num=20, validate_max=True
)


def step_formset(data=None, *, initial=None) -> BaseStepFormSet:
    """The step rows; every posted row counts as new so that an untouched blank row is skipped."""
    if data is not None:
        data = data.copy()
        data[f"{STEP_PREFIX}-INITIAL_FORMS"] = "0"
    return StepFormSet(data, initial=initial, prefix=STEP_PREFIX)


def initial_rows(steps) -> list[dict]:
    """Form initial data from ``ApprovalStep`` rows or ``StepSpec`` defaults."""
    return [
        {
            "name": step.name,
            "kind": step.kind,
            "role": step.role,
            "fallback_role": step.fallback_role,
            "min_amount": step.min_amount,
            "max_amount": step.max_amount,
            "collective_decision": step.collective_decision,
            "only_when": step.only_when,
        }
        for step in steps
    ]


# ---------------------------------------------------------------- rewriting posted rows


def _posted_rows(data: QueryDict) -> list[dict[str, list[str]]]:
    try:
        total = int(data.get(f"{STEP_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    total = max(0, min(total, StepFormSet.absolute_max))
    rows = []
    for index in range(total):
        rows.append(
            {
                name: data.getlist(f"{STEP_PREFIX}-{index}-{name}")
                for name in STEP_FIELDS
                if f"{STEP_PREFIX}-{index}-{name}" in data
            }
        )
    return rows


def _with_rows(data: QueryDict, rows) -> QueryDict:
    out = QueryDict(mutable=True)
    for key in data:
        if not key.startswith(f"{STEP_PREFIX}-"):
            out.setlist(key, data.getlist(key))
    for index, row in enumerate(rows):
        for name, values in row.items():
            out.setlist(f"{STEP_PREFIX}-{index}-{name}", values)
    out[f"{STEP_PREFIX}-TOTAL_FORMS"] = str(len(rows))
    out[f"{STEP_PREFIX}-INITIAL_FORMS"] = "0"
    return out


def rows_added(data: QueryDict) -> QueryDict:
    """The posted rows and one blank row at the end."""
    rows = _posted_rows(data)
    if len(rows) < StepFormSet.max_num:
        rows.append({"kind": [ApprovalStep.Kind.ROLE]})
    return _with_rows(data, rows)


def rows_without(data: QueryDict, index: int) -> QueryDict:
    rows = _posted_rows(data)
    if 0 <= index < len(rows):
        del rows[index]
    return _with_rows(data, rows)


def rows_swapped(data: QueryDict, index: int, other: int) -> QueryDict:
    rows = _posted_rows(data)
    if 0 <= index < len(rows) and 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return _with_rows(data, rows)


class PolicyNameForm(forms.Form):
    name = forms.CharField(label=_("Policy name"), max_length=100)
    # The active version the editor started from: saving over a newer one is refused.
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


# ---------------------------------------------------------------- delegations


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DelegationForm(TenantModelForm):
    """Who delegates to whom and when; only those who manage delegations pick the first."""

    class Meta:
        model = Delegation
        fields = ("from_user", "to_user", "start_date", "end_date", "note")
        widgets = {"start_date": _date_input(), "end_date": _date_input()}

    def __init__(self, *args, on_behalf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["from_user"].initial = self.user.pk
        else:
            del self.fields["from_user"]
            self.instance.from_user = self.user
        self.fields["to_user"].help_text = _(
            "A colleague of this school who decides your approvals while you are away."
        )
        self.fields["start_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        if end and end < timezone.localdate():
            self.add_error(
                "end_date", _("This date is in the past: the delegation would never apply.")
            )
        from_user = data.get("from_user", self.user) if "from_user" in self.fields else self.user
        to_user = data.get("to_user")
        if from_user is not None and to_user is not None and from_user.pk == to_user.pk:
            self.add_error("to_user", _("Choose someone else: nobody can delegate to themselves."))
        return data
