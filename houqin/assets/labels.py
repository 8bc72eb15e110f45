"""Asset label sheets: the layouts, each label's text and QR code, and the printable page
(``assets/labels/``, for the register's selections like the bulk actions).

A label shows the school's label title (or its name), the asset number, the name, the place
and a QR code of the asset's ``/a/<token>/`` address (``assets:asset_qr``), which opens the
asset for staff and "report a problem with this asset" for anyone else.

The QR code is the cost of a sheet: segno tries all eight masks and keeps the best, as the
standard asks, ~4.5 ms a code on an idle core (measured: 2,400 labels took 22 s on a busy
2-core machine the first time, 0.25 s the second). So one print is bounded (``MAX_LABELS``),
codes are kept in a bounded in-process cache keyed by their address (printing the same
selection again, after a jam or for a second copy, is immediate), and the address is reversed
once per sheet, not once per label.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.views.generic import style_form
from houqin.org.qr import qr_svg

from .models import AssetSettings
from .views_movements import (
    count_at_most,
    require_perm,
    selected_assets,
    selection_query,
    with_query,
)

LABEL_PERM = "assets.label_asset"

# One print at most (50 A4 sheets of 24, ~6 s of QR codes the first time); past it the page
# is slow to make and to send to the printer.
MAX_LABELS = 1200
# QR codes kept per process (~2 KB each).
QR_CACHE_SIZE = 4096
_TOKEN_MARK = "QRTOKENMARK"


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    css: str  # the sheet's class in static/css/asset-labels.css (grid or roll page size)
    per_sheet: int
    page_size: str  # the printed page, as in CSS ``@page { size: … }``


LAYOUTS = {
    layout.key: layout
    for layout in (
        Layout("a4-70x37", _("A4 sheet, 3 × 8 labels of 70 × 37 mm"), "asset-a4-70x37", 24, "A4"),
        Layout("a4-70x42", _("A4 sheet, 3 × 7 labels of 70 × 42.3 mm"), "asset-a4-70x42", 21, "A4"),
        Layout(
            "roll-50x30", _("Label printer, 50 × 30 mm labels"), "asset-roll-50x30", 1, "50mm 30mm"
        ),
        Layout(
            "roll-60x40", _("Label printer, 60 × 40 mm labels"), "asset-roll-60x40", 1, "60mm 40mm"
        ),
    )
}
DEFAULT_LAYOUT = "a4-70x37"


@dataclass(frozen=True)
class Label:
    asset_id: int
    number: str
    name: str
    place: str
    url: str
    qr_svg: str


@lru_cache(maxsize=QR_CACHE_SIZE)
def label_qr_svg(url: str) -> str:
    """The label's QR code as inline SVG sized by CSS (viewBox only)."""
    # segno writes the SVG from our own address: nothing user-typed reaches the markup.
    return mark_safe(qr_svg(url, omitsize=True))  # noqa: S308


def label_title(school) -> str:
    """What the top line of every label says: the school's label title, else its name."""
    title = AssetSettings.for_school(school).label_title.strip()
    return title or school.name


def qr_address(request):
    """A function token -> the absolute address of ``assets:asset_qr`` (reversed once)."""
    template = request.build_absolute_uri(reverse("assets:asset_qr", args=[_TOKEN_MARK]))
    return lambda token: template.replace(_TOKEN_MARK, token)


def labels_for(assets, request) -> list[Label]:
    """One label per asset, in the order given (assets with ``room__floor__building``)."""
    address = qr_address(request)
    out = []
    for asset in assets:
        url = address(asset.qr_token)
        out.append(
            Label(
                asset_id=asset.pk,
                number=asset.number,
                name=asset.name,
                place=str(asset.room) if asset.room_id else "",
                url=url,
                qr_svg=label_qr_svg(url),
            )
        )
    return out


def sheets(labels: list[Label], layout: Layout) -> list[list[Label]]:
    """The labels cut into printed pages of ``layout.per_sheet``."""
    size = layout.per_sheet
    return [labels[i : i + size] for i in range(0, len(labels), size)]


# ---------------------------------------------------------------- the page


class LabelForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Label size"),
        choices=[(key, layout.label) for key, layout in LAYOUTS.items()],
        initial=DEFAULT_LAYOUT,
    )
    cut_lines = forms.BooleanField(
        label=_("Print thin cut lines around the labels (for plain paper)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LabelSheetView(LoginRequiredMixin, View):
    """``assets/labels/?<selection>``: choose a label size, then the printable pages.

    The selection is the register's querystring or ``ids=…``. Each label carries the asset's
    QR code (``/a/<token>/``): staff get the asset's page, anyone else the problem report."""

    form_template_name = "assets/label_form.html"
    template_name = "assets/label_sheet.html"

    def get(self, request):
        require_perm(request, LABEL_PERM)
        query = selection_query(request)
        assets = selected_assets(request, query.copy())
        count = count_at_most(assets, MAX_LABELS)
        bound = "layout" in request.GET
        form = LabelForm(request.GET if bound else None)
        if not bound or "edit" in request.GET or not form.is_valid():
            return self.render_form(form, query, count)
        if not count:
            form.add_error(None, _("No assets are selected."))
            return self.render_form(form, query, count)
        if count > MAX_LABELS:
            form.add_error(
                None,
                _(
                    "More than %(limit)d assets are selected; one print takes at most %(limit)d "
                    "labels. Narrow the selection (a place, a department or a category)."
                )
                % {"limit": MAX_LABELS},
            )
            return self.render_form(form, query, count)
        layout = LAYOUTS[form.cleaned_data["layout"]]
        rows = assets.select_related("room__floor__building").order_by("number", "pk")
        labels = labels_for(rows, request)
        edit_query = request.GET.copy()
        edit_query["edit"] = "1"
        context = {
            "title": _("Asset labels"),
            "layout": layout,
            "sheets": sheets(labels, layout),
            "label_count": len(labels),
            "label_title": label_title(request.school),
            "cut_lines": form.cleaned_data["cut_lines"],
            "back_url": f"{request.path}?{edit_query.urlencode()}",
        }
        return render(request, self.template_name, context)

    def render_form(self, form, query, count):
        context = {
            "title": _("Print asset labels"),
            "form": form,
            "count": count,
            "max_labels": MAX_LABELS,
            "selection": [(k, v) for k in query for v in query.getlist(k)],
            "list_url": with_query(reverse("assets:asset_list"), query),
        }
        return render(self.request, self.form_template_name, context)
