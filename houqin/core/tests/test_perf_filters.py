"""Filter forms render Django's select widgets in Python (core.filters.select_html): the
markup must stay byte for byte what Django's widget templates write (docs/performance.md)."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import (
    FastNullBooleanSelect,
    FastSelect,
    FastSelectMultiple,
    TenantFilterSet,
    YesNoFilter,
    YesNoSelect,
)

CHOICES = [
    ("", "---------"),
    (1, "Tap <b> & sink"),
    ("a&b", _("Open")),
    (None, "nothing"),
    (3, mark_safe("<em>safe</em>")),
]
GROUPED = [
    ("", "All"),
    ("Water & power", [("tap", "Tap"), ("pipe", "Pipe")]),
    ("Doors", [("lock", "Lock")]),
]
ATTRS = {"class": "form-select", "data-x": 'say "hi"', "disabled": True, "hidden": False}


@pytest.mark.parametrize(
    ("django_widget", "fast_widget", "choices", "value"),
    [
        (forms.Select, FastSelect, CHOICES, "1"),
        (forms.Select, FastSelect, CHOICES, None),
        (forms.Select, FastSelect, CHOICES, "a&b"),
        (forms.Select, FastSelect, GROUPED, "pipe"),
        (forms.Select, FastSelect, [], ""),
        (forms.SelectMultiple, FastSelectMultiple, CHOICES, ["1", "3"]),
        (forms.SelectMultiple, FastSelectMultiple, GROUPED, ["tap", "lock"]),
        (forms.NullBooleanSelect, FastNullBooleanSelect, None, True),
        (forms.NullBooleanSelect, FastNullBooleanSelect, None, None),
    ],
)
def test_a_fast_select_writes_what_djangos_templates_write(
    django_widget, fast_widget, choices, value
):
    kwargs = {} if choices is None else {"choices": choices}
    slow = django_widget(attrs=ATTRS, **kwargs).render("f", value, attrs={"id": "id_f"})
    fast = fast_widget(attrs=ATTRS, **kwargs).render("f", value, attrs={"id": "id_f"})

    assert str(fast) == str(slow)


@pytest.mark.parametrize("value", ["true", "false", "", None])
def test_the_yes_no_select_writes_what_djangos_templates_write(value):
    fast = YesNoSelect(attrs={"class": "form-select"}).render("overdue", value)
    slow = forms.Select.render(YesNoSelect(attrs={"class": "form-select"}), "overdue", value)

    assert str(fast) == str(slow)


def test_a_filter_form_uses_the_fast_twins_of_djangos_selects(db):
    from django_filters import ChoiceFilter

    from houqin.org.models import Building

    class Filters(TenantFilterSet):
        kind = ChoiceFilter(choices=[("a", "A"), ("b", "B")])
        lit = YesNoFilter(field_name="name", label="Lit")

        class Meta:
            model = Building
            fields = ["q", "kind", "lit"]

    form = Filters({"kind": "b"}, queryset=Building.objects.none()).form

    assert type(form.fields["kind"].widget) is FastSelect
    assert isinstance(form.fields["lit"].widget, YesNoSelect)
    assert '<option value="b" selected>B</option>' in str(form["kind"])
