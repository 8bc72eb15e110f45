"""Register pages: the asset list (filters, sorts, Excel/CSV export), an asset's page with its
QR code, photos, timeline, movements, loans, repairs, damage and disposals, adding one asset or a
received batch, editing a card, categories, the school's asset settings, and the label QR
(``/a/<token>/``). Every change goes through ``services`` or ``categories``."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for, can
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
    style_form,
)
from houqin.org.qr import qr_svg

from . import categories, services, tables
from .filters import AssetFilterSet, with_number_key
from .forms import AssetEditForm, AssetForm, CategoryForm, SettingsForm
from .models import Asset, AssetCategory, AssetSettings, AssetStatus

RELATED_ROWS = 20
MONEY = DecimalField(max_digits=16, decimal_places=2)


def optional_url(name: str, *args, query: str = "") -> str | None:
    """The URL of ``name`` when that page exists (another area may not have it yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def first_url(names, *args, query: str = "") -> str | None:
    for name in names:
        url = optional_url(name, *args, query=query)
        if url:
            return url
    return None


def asset_qr_url(request, asset: Asset) -> str:
    """The absolute address a label's QR code carries."""
    return request.build_absolute_uri(reverse("assets:asset_qr", args=[asset.qr_token]))


class AssetMixin:
    model = Asset
    route_prefix = "assets:asset"


# ---------------------------------------------------------------- list


class AssetListView(AssetMixin, ObjectListView):
    queryset = Asset.objects.select_related("category", "department", "custodian")
    filterset_class = AssetFilterSet
    table_class = tables.AssetTable
    template_name = "assets/asset_list.html"
    export_perm = "assets.export_asset"
    # 40 pages of 50: counting further costs more than anyone reads (with 2,000,000 assets a
    # count to 10,000 reads ~140,000 rows for a broad filter); past it, filter or export
    # (docs/performance-assets.md).
    count_limit = 2_000
    title = _("Asset register")

    def base_queryset(self):
        # Places come in a second query (fewer joins to plan); deep pages read ids first.
        queryset = with_number_key(super().base_queryset())
        return tables.with_deep_pages(tables.with_places(queryset))

    def get_extra_context(self) -> dict:
        query = self.request.GET.copy()
        for key in ("page", "sort", "export"):
            query.pop(key, None)
        selection = query.urlencode()
        access = self.access
        links = []
        if access.has_perm("assets.move_asset"):
            url = optional_url("assets:bulk_action", query=selection)
            if url:
                links.append((url, _("Bulk actions"), "arrows-move"))
        if access.has_perm("assets.label_asset"):
            url = optional_url("assets:label_sheet", query=selection)
            if url:
                links.append((url, _("Print labels"), "qrcode"))
        return {"selection_links": links}


# ---------------------------------------------------------------- detail


def repair_history(asset: Asset, limit: int = RELATED_ROWS) -> dict:
    """The asset's work orders (newest first) and what all its repairs cost: outside costs
    plus parts (quantity × unit cost). Three queries whatever the number of orders."""
    WorkOrder = apps.get_model("maintenance", "WorkOrder")
    PartUsage = apps.get_model("maintenance", "PartUsage")
    orders = WorkOrder.objects.filter(asset=asset)
    parts_cost = ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY)
    outside = orders.aggregate(total=Sum("outside_cost"))["total"] or Decimal("0")
    parts = PartUsage.objects.filter(order__asset=asset).aggregate(total=Sum(parts_cost))[
        "total"
    ] or Decimal("0")
    order_parts = ExpressionWrapper(
        F("parts__quantity") * F("parts__unit_cost"), output_field=MONEY
    )
    rows = list(
        orders.select_related("category")
        .annotate(parts_cost=Sum(order_parts))
        .order_by("-created_at", "-pk")[:limit]
    )
    for order in rows:
        order.repair_cost = (order.outside_cost or 0) + (order.parts_cost or 0)
    return {
        "work_orders": rows,
        "repair_outside_cost": outside,
        "repair_parts_cost": parts.quantize(Decimal("0.01")),
        "repair_total_cost": (outside + parts).quantize(Decimal("0.01")),
    }


class AssetDetailView(AssetMixin, ObjectDetailView):
    queryset = Asset.objects.select_related(
        "category", "room__floor__building", "department", "custodian", "created_by"
    )
    template_name = "assets/asset_detail.html"
    detail_fields = (
        "number",
        "name",
        "category",
        "kind",
        "status",
        "model",
        "brand",
        "serial_number",
        "quantity",
        "unit",
        "unit_price",
        "total_value",
        "accumulated_depreciation",
        "funding_source",
        "acquisition_mode",
        "use_direction",
        "acquired_on",
        "supplier",
        "invoice_number",
        "warranty_until",
        "room",
        "department",
        "custodian",
        "useful_life_years",
        "disposed_on",
        "notes",
        "created_by",
    )
    detail_optional_fields = (
        "model",
        "brand",
        "serial_number",
        "use_direction",
        "supplier",
        "invoice_number",
        "warranty_until",
        "disposed_on",
        "notes",
        "useful_life_years",
    )

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        # The category's code is the finance classification; its life applies when none is set.
        net = (_("Net book value (¥)"), obj.net_book_value, None)
        index = next(
            (
                i
                for i, row in enumerate(rows)
                if row[0] == capfirst_label("accumulated_depreciation")
            ),
            len(rows),
        )
        rows.insert(index + 1, net)
        return rows

    def get_extra_context(self, obj):
        user = self.request.user
        may_change = can(user, "change", obj)
        qr_url = asset_qr_url(self.request, obj)
        movements = list(
            obj.movements.select_related(
                "from_room__floor__building",
                "to_room__floor__building",
                "from_department",
                "to_department",
                "from_custodian",
                "to_custodian",
                "moved_by",
            )[:RELATED_ROWS]
        )
        loans = list(
            obj.loans.select_related("borrower", "borrower_department", "lent_by")[:RELATED_ROWS]
        )
        damage = list(obj.damage_records.select_related("school_class")[:RELATED_ROWS])
        disposal_lines = list(
            obj.disposal_lines.select_related("disposal").order_by("-pk")[:RELATED_ROWS]
        )
        for record in damage:
            record.link = optional_url("assets:damage_detail", record.pk)
        for line in disposal_lines:
            line.disposal.link = optional_url("assets:disposal_detail", line.disposal_id)
        context = {
            "qr_url": qr_url,
            # segno writes the SVG from our own URL: nothing user-typed reaches the markup.
            "qr_svg": mark_safe(qr_svg(qr_url)),  # noqa: S308
            "photos": photos_of(obj),
            "movements": movements,
            "loans": loans,
            "damage_records": damage,
            "disposal_lines": disposal_lines,
            "actions": self.action_links(obj, may_change),
            "status_choices": [
                (value, label)
                for value, label in AssetStatus.choices
                if value in services.MANUAL_STATUSES and value != obj.status
            ]
            if may_change
            and obj.status
            not in (
                AssetStatus.DISPOSED,
                AssetStatus.LENT,
                AssetStatus.PENDING_DISPOSAL,
            )
            else [],
            "edit_url": reverse("assets:asset_edit", args=[obj.pk]) if may_change else None,
            "delete_url": None,
            **repair_history(obj),
        }
        return context

    def action_links(self, obj, may_change: bool) -> list[tuple[str, str, str]]:
        """Buttons to other areas' pages, only those that exist and the user may use."""
        access = self.access
        links = []
        active = obj.is_active
        if active and access.has_perm("assets.move_asset"):
            for names, label, icon in (
                (("assets:asset_move", "assets:movement_add"), _("Move"), "arrows-move"),
                (("assets:asset_lend", "assets:loan_add"), _("Lend"), "arrow-forward-up"),
            ):
                url = first_url(names, obj.pk)
                if url:
                    links.append((url, label, icon))
        if access.has_perm("assets.label_asset"):
            url = optional_url("assets:label_sheet", query=f"ids={obj.pk}")
            if url:
                links.append((url, _("Print label"), "qrcode"))
        if active and can(self.request.user, "add", apps.get_model("maintenance", "WorkOrder")):
            query = f"room={obj.room_id}" if obj.room_id else ""
            url = optional_url("maintenance:workorder_add", query=query)
            if url:
                links.append((url, _("Report a repair"), "tool"))
        if active and access.has_perm("assets.add_damagerecord"):
            url = optional_url("assets:damage_add", query=f"asset={obj.pk}")
            if url:
                links.append((url, _("Record damage"), "hammer"))
        if active and access.has_perm("assets.add_disposal"):
            url = optional_url("assets:disposal_add", query=f"ids={obj.pk}")
            if url:
                links.append((url, _("Request disposal"), "trash"))
        return links


def capfirst_label(field_name: str) -> str:
    from django.utils.text import capfirst

    return capfirst(Asset._meta.get_field(field_name).verbose_name)


def photos_of(asset: Asset, limit: int = 8) -> list:
    """The newest photos on the asset's timeline (one query)."""
    from django.contrib.contenttypes.models import ContentType

    Attachment = apps.get_model("core", "Attachment")
    return list(
        Attachment.objects.filter(
            school_id=asset.school_id,
            entry__content_type=ContentType.objects.get_for_model(Asset),
            entry__object_id=asset.pk,
            is_image=True,
        ).order_by("-pk")[:limit]
    )


class AssetStatusView(LoginRequiredMixin, View):
    """POST a status by hand (in use, idle, in repair, lost) with an optional note."""

    http_method_names = ["post"]

    def post(self, request, pk):
        asset = get_object_or_404(Asset.objects.restrict(request.user, "view"), pk=pk)
        try:
            services.set_manual_status(
                asset,
                by=request.user,
                status=request.POST.get("status", ""),
                note=request.POST.get("note", "")[:200],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(number)s is now: %(status)s.")
                % {"number": asset.number, "status": asset.get_status_display()},
            )
        return redirect("assets:asset_detail", asset.pk)


# ---------------------------------------------------------------- add and edit


class AssetAddView(AssetMixin, ScopedViewMixin, View):
    """Register one asset, or a batch received together (consecutive numbers)."""

    template_name = "assets/asset_form.html"

    def check(self):
        if not can(self.request.user, "add", Asset):
            raise PermissionDenied

    def get_form(self, data=None, files=None):
        initial = {"count": 1, "status": AssetStatus.IN_USE}
        for name in ("category", "room", "department", "custodian"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        obj = Asset(school_id=self.access.school_id)
        return AssetForm(
            data,
            files,
            instance=obj,
            user=self.request.user,
            school_id=self.access.school_id,
            initial=initial,
        )

    def get(self, request):
        self.check()
        if not categories.has_standard_categories(self.access.school_id):
            categories.ensure_standard_categories(self.access.school_id)
        return self.render_form(self.get_form())

    def post(self, request):
        self.check()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            school = apps.get_model("org", "School").objects.get(pk=self.access.school_id)
            try:
                with transaction.atomic():
                    if data["count"] > 1:
                        created = services.register_batch(
                            school=school,
                            by=request.user,
                            count=data["count"],
                            **form.service_fields(),
                        )
                    else:
                        created = [
                            services.register_asset(
                                school=school,
                                by=request.user,
                                number=data.get("number") or None,
                                photos=data.get("photos") or (),
                                **form.service_fields(),
                            )
                        ]
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                if len(created) > 1:
                    messages.success(
                        request,
                        _("Registered %(count)d assets: %(first)s to %(last)s.")
                        % {
                            "count": len(created),
                            "first": created[0].number,
                            "last": created[-1].number,
                        },
                    )
                else:
                    messages.success(
                        request, _("Registered as %(number)s.") % {"number": created[0].number}
                    )
                return redirect("assets:asset_detail", created[0].pk)
        return self.render_form(form)

    def render_form(self, form):
        context = {
            "form": form,
            "title": _("Register an asset"),
            "cancel_url": reverse("assets:asset_list"),
            "multipart": True,
        }
        return render(self.request, self.template_name, context)


class AssetEditView(AssetMixin, ObjectEditView):
    form_class = AssetEditForm
    template_name = "assets/asset_form.html"

    def get_object(self, pk):
        if pk is None:
            raise Http404
        return super().get_object(pk)

    def save(self, form):
        return services.update_asset(form.original, by=self.request.user, **form.changes())

    def render_form(self, obj, form):
        context = {
            "object": obj,
            "form": form,
            "title": _("Edit %(object)s") % {"object": obj},
            "cancel_url": reverse("assets:asset_detail", args=[obj.pk]),
            "move_url": first_url(("assets:asset_move", "assets:movement_add"), obj.pk),
            "editing": True,
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- QR


def asset_qr(request, token):
    """``/a/<token>/`` (the label's QR): the asset's page for a member of its school who may
    view it; for anyone else the public "report a problem with this asset" page.

    Both answers are redirects whatever the token, so the address tells a stranger nothing."""
    user = request.user
    if getattr(user, "is_authenticated", False):
        asset = Asset.objects.filter(qr_token=token).only("pk", "school_id").first()
        if asset is not None:
            access = access_for(user)
            if (
                access.is_member
                and access.school_id == asset.school_id
                and Asset.objects.restrict(user, "view").filter(pk=asset.pk).exists()
            ):
                return redirect("assets:asset_detail", asset.pk)
    url = optional_url("maintenance:public_asset_report", token)
    if url is None:
        raise Http404
    return redirect(url)


# ---------------------------------------------------------------- categories


class CategoryMixin:
    model = AssetCategory
    route_prefix = "assets:category"


def category_tree(rows: list[AssetCategory]) -> list[tuple[AssetCategory, int]]:
    """(category, depth) in tree order: each class followed by its sub-categories."""
    children: dict[int | None, list[AssetCategory]] = {}
    ids = {c.pk for c in rows}
    for category in rows:
        parent = category.parent_id if category.parent_id in ids else None
        children.setdefault(parent, []).append(category)
    ordered: list[tuple[AssetCategory, int]] = []

    def walk(parent, depth):
        for category in sorted(children.get(parent, ()), key=lambda c: (c.code, c.pk)):
            ordered.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


class CategoryListView(CategoryMixin, ScopedViewMixin, View):
    template_name = "assets/category_list.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        school_id = self.access.school_id
        if not categories.has_standard_categories(school_id):
            categories.ensure_standard_categories(school_id)
        rows = list(self.restricted("view").order_by("code", "pk"))
        context = {
            "title": _("Asset categories"),
            "rows": category_tree(rows),
            "may_add": can(request.user, "add", AssetCategory),
            "may_change": self.access.has_perm("assets.change_assetcategory"),
        }
        return render(request, self.template_name, context)


class CategoryEditView(CategoryMixin, ObjectEditView):
    form_class = CategoryForm
    template_name = "assets/category_form.html"

    def get_form(self, obj, data=None, files=None):
        initial = {}
        parent = self.request.GET.get("parent", "")
        if obj.pk is None and parent.isdigit():
            initial["parent"] = int(parent)
        return self.form_class(
            data,
            files,
            instance=obj,
            user=self.request.user,
            school_id=self.access.school_id,
            initial=initial,
        )

    def save(self, form):
        if form.original.pk is None:
            return categories.add_category(
                school=self.access.school_id, by=self.request.user, **form.add_kwargs()
            )
        return categories.update_category(form.original, by=self.request.user, **form.changes())

    def success_url(self, obj) -> str:
        return reverse("assets:category_list")

    def render_form(self, obj, form):
        adding = obj.pk is None
        context = {
            "object": obj,
            "form": form,
            "title": _("Add a sub-category") if adding else _("Edit %(object)s") % {"object": obj},
            "cancel_url": reverse("assets:category_list"),
            "standard": obj.is_standard,
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- settings


class SettingsView(ObjectEditView):
    """The school's asset numbers, thresholds and label title (the director's page)."""

    model = AssetSettings
    form_class = SettingsForm
    template_name = "assets/settings.html"

    def get_object(self, pk=None):
        access = self.access
        if not access.is_member or not access.has_perm("assets.change_assetsettings"):
            raise PermissionDenied
        return AssetSettings.for_school(access.school_id)

    def save(self, form):
        return services.update_settings(
            form.instance,
            by=self.request.user,
            **{k: form.cleaned_data[k] for k in form.changed_data},
        )

    def success_url(self, obj) -> str:
        return reverse("assets:settings")

    def render_form(self, obj, form):
        settings = obj
        example = settings.format_number(2026, 1) if settings.number_digits else ""
        context = {
            "object": obj,
            "form": style_form(form),
            "title": _("Asset settings"),
            "cancel_url": reverse("assets:asset_list"),
            "example_number": example,
        }
        return render(self.request, self.template_name, context)
