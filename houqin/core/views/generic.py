"""Generic list, detail, edit and delete pages: a concrete page is a few lines of declaration.

    class RoomListView(ObjectListView):
        queryset = Room.objects.select_related("floor__building", "department")
        filterset_class = RoomFilterSet
        table_class = RoomTable
        route_prefix = "org:room"

Every queryset goes through ``restrict(request.user, action)``: rows of another school are 404,
rows the user may see but not change are 403. URL names follow ``<route_prefix>_list``,
``_detail``, ``_add``, ``_edit`` and ``_delete`` (each view takes ``pk`` where it needs one).
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.filters import school_id_for, scope_choices
from houqin.core.scoping import access_for, can, is_tenant_model, perm_name
from houqin.core.tables import CappedPaginator, detail_url, register_detail_route

EXPORT_FORMATS = ("xlsx", "csv")
TABLE_TARGET = "object-table"


# ---------------------------------------------------------------- forms


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget its Tabler/Bootstrap class (no template tag library needed)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple | forms.NullBooleanSelect):
            css = "form-select"
        else:
            css = "form-control"
        existing = widget.attrs.get("class", "")
        if css not in existing.split():
            widget.attrs["class"] = f"{existing} {css}".strip()
    return form


class TenantModelForm(forms.ModelForm):
    """A ModelForm whose every FK/M2M choice is limited to the current school.

    The school itself is never a form field: views set it on the instance before validation,
    so unique constraints that include the school are checked as form errors.
    ``choice_select_related`` maps a field name to the relations its option labels need.
    """

    choice_select_related: dict[str, tuple[str, ...]] = {}

    def __init__(self, *args, user, school_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.school_id = school_id if school_id is not None else school_id_for(user=user)
        self.fields.pop("school", None)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_choices(
                    field.queryset, user, self.school_id, self.choice_select_related.get(name, ())
                )
        style_form(self)

    def _get_validation_exclusions(self):
        # Keep "school" in model validation so (school, name) uniqueness is a form error.
        exclude = super()._get_validation_exclusions()
        if getattr(self.instance, "school_id", None):
            exclude.discard("school")
        return exclude


def add_validation_error(form: forms.BaseForm, error: ValidationError | DomainError) -> None:
    """Attach a service's error to the form: known fields get theirs, the rest go on top."""
    if isinstance(error, DomainError):
        form.add_error(None, str(error.message))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# ---------------------------------------------------------------- views


class ScopedViewMixin(LoginRequiredMixin):
    """What every generic page knows: its model, base queryset and URL names."""

    model: type[models.Model] | None = None
    queryset: models.QuerySet | None = None
    route_prefix: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None and cls.queryset is not None:
            cls.model = cls.queryset.model

    @property
    def access(self):
        access = getattr(self.request, "access", None)
        return access if access is not None else access_for(self.request.user)

    def route(self, action: str, *args) -> str | None:
        if not self.route_prefix:
            return None
        try:
            return reverse(f"{self.route_prefix}_{action}", args=args)
        except NoReverseMatch:
            return None

    def base_queryset(self) -> models.QuerySet:
        source = self.queryset if self.queryset is not None else self.model._default_manager
        return source.all()

    def restricted(self, action: str) -> models.QuerySet:
        return self.base_queryset().restrict(self.request.user, action)

    def may(self, action: str) -> bool:
        """May the user do ``action`` on this model at all (by role, or on rows they own)?"""
        access = self.access
        if not access.is_member:
            return False
        if access.has_perm(perm_name(self.model, action)):
            return True
        owned = getattr(self.model, "owned_q", None)
        return bool(owned and owned(access, action) is not None)

    def verbose_name(self, plural=False) -> str:
        opts = self.model._meta
        return capfirst(opts.verbose_name_plural if plural else opts.verbose_name)


class ObjectListView(ScopedViewMixin, View):
    """A filtered, sorted, paginated table with an Excel/CSV export of exactly what it shows."""

    filterset_class = None
    table_class = None
    template_name = "core/generic/object_list.html"
    partial_template_name = "core/generic/object_list.html#table"
    paginate_by = 50
    # Count at most this many rows (None: an exact COUNT(*)); past it the list says "more than"
    # and its pages stop there. For tables that grow to hundreds of thousands of rows.
    count_limit: int | None = None
    # Table columns the export writes (None: every column not excluded from export).
    export_columns: tuple[str, ...] | None = None
    # One download builds its whole file in memory: past this many rows, ask to filter.
    export_limit: int = 100_000
    # Extra permission needed to export (None: whoever sees the list may export it).
    export_perm: str | None = None
    title = None

    def get(self, request, *args, **kwargs):
        if not self.may("view"):
            raise PermissionDenied
        queryset = self.restricted("view")
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                request.GET or None, queryset=queryset, request=request
            )
            # Invalid filters (e.g. another school's building) show nothing rather than everything.
            queryset = (
                filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
            )
            style_form(filterset.form)
        fmt = request.GET.get("export")
        if fmt:
            return self.export(queryset, fmt)
        table = self.table_class(queryset)
        if "actions" in table.columns and not self.may("change"):
            table.columns.hide("actions")
        self.configure_table(table, paginate=True)
        context = {
            "title": self.title or self.verbose_name(plural=True),
            "table": table,
            "filterset": filterset,
            "add_url": self.route("add") if self.may("add") else None,
            "may_export": self.may_export(),
            "table_target": TABLE_TARGET,
            **self.get_extra_context(),
        }
        htmx = getattr(request, "htmx", None)
        template = (
            self.partial_template_name
            if htmx and htmx.target == TABLE_TARGET
            else self.template_name
        )
        return render(request, template, context)

    def get_extra_context(self) -> dict:
        return {}

    def configure_table(self, table, *, paginate: bool) -> None:
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        if not paginate:
            return
        # The page size is ours, never the query string's: a list is always bounded.
        options = {"per_page": self.paginate_by}
        if self.count_limit is not None:
            options.update(paginator_class=CappedPaginator, limit=self.count_limit)
        try:
            table.paginate(page=self.request.GET.get(table.prefixed_page_field, 1), **options)
        except PageNotAnInteger:
            table.paginate(page=1, **options)
        except EmptyPage:
            # The last page, from the same paginator: its rows are not counted twice.
            table.page = table.paginator.page(table.paginator.num_pages)

    def may_export(self) -> bool:
        return self.export_perm is None or self.access.has_perm(self.export_perm)

    def export_filename(self) -> str:
        return f"{self.verbose_name(plural=True)}-{timezone.localdate():%Y%m%d}"

    def export(self, queryset, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Unknown export format."))
        if not self.may_export():
            raise PermissionDenied
        if queryset[: self.export_limit + 1].count() > self.export_limit:
            messages.error(
                self.request,
                _("More than %(limit)d rows to export. Narrow the filters (for example a date "
                  "range) and export again.") % {"limit": self.export_limit},
            )
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        table = self.table_class(queryset)
        self.configure_table(table, paginate=False)
        exclude = ["actions"]
        if self.export_columns is not None:
            exclude += [name for name in table.columns.names() if name not in self.export_columns]
        values = table.as_values(exclude_columns=exclude)
        headers = next(values)
        return export_response(self.export_filename(), headers, values, fmt)


class ObjectDetailView(ScopedViewMixin, View):
    """One object, 404 unless the user may view it; ``detail_fields`` lists what is shown."""

    template_name = "core/generic/object_detail.html"
    detail_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None and cls.route_prefix:
            register_detail_route(cls.model, f"{cls.route_prefix}_detail")

    def get(self, request, pk):
        obj = get_object_or_404(self.restricted("view"), pk=pk)
        context = {
            "object": obj,
            "title": str(obj),
            "model_name": self.verbose_name(),
            "fields": self.field_rows(obj),
            "list_url": self.route("list"),
            "edit_url": self.route("edit", obj.pk) if can(request.user, "change", obj) else None,
            "delete_url": self.route("delete", obj.pk)
            if can(request.user, "delete", obj)
            else None,
            "history_url": reverse(
                "object_history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk]
            )
            if hasattr(type(obj), "history")
            else None,
            **self.get_extra_context(obj),
        }
        return render(request, self.template_name, context)

    def get_extra_context(self, obj) -> dict:
        return {}

    def field_rows(self, obj) -> list[tuple[str, object, str | None]]:
        """(label, value, link) rows; choices shown by label, related objects linked."""
        rows = []
        optional = set(getattr(self, "detail_optional_fields", ()))
        for name in self.detail_fields:
            field = obj._meta.get_field(name)
            if getattr(field, "choices", None):
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
            if name in optional and value in (None, ""):
                continue  # a row that only applies sometimes is left out when empty
            link = detail_url(value) if isinstance(value, models.Model) else None
            rows.append((capfirst(field.verbose_name), value, link))
        return rows


class ObjectEditView(ScopedViewMixin, View):
    """Create (no ``pk``) or update an object; 403 without the add/change right, 404 off-school."""

    form_class = None
    template_name = "core/generic/object_edit.html"

    def get_object(self, pk):
        if pk is None:
            if not can(self.request.user, "add", self.model):
                raise PermissionDenied
            obj = self.model()
            if is_tenant_model(self.model):
                # The school always comes from the acting user, never from the form.
                obj.school_id = self.access.school_id
            return obj
        obj = get_object_or_404(self.restricted("view"), pk=pk)
        if not self.restricted("change").filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_form(self, obj, data=None, files=None):
        return self.form_class(
            data, files, instance=obj, user=self.request.user, school_id=self.access.school_id
        )

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.get_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form)
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(object)s was saved.") % {"object": saved})
                return redirect(self.success_url(saved))
        return self.render_form(obj, form)

    def save(self, form):
        obj = form.save(commit=False)
        if is_tenant_model(self.model) and obj._state.adding:
            obj.school_id = self.access.school_id
        obj.save()
        form.save_m2m()
        return obj

    def success_url(self, obj) -> str:
        return self.route("detail", obj.pk) or self.route("list") or "/"

    def render_form(self, obj, form):
        adding = obj._state.adding
        title = (
            _("Add %(model)s") % {"model": self.model._meta.verbose_name}
            if adding
            else _("Edit %(object)s") % {"object": obj}
        )
        cancel_url = (None if adding else self.route("detail", obj.pk)) or self.route("list")
        context = {"object": obj, "form": form, "title": title, "cancel_url": cancel_url}
        return render(self.request, self.template_name, context)


def protected_summary(objects) -> str:
    """'3 floors, 2 rooms': what still points at an object that cannot be deleted."""
    counts = Counter(obj._meta for obj in objects)
    return ", ".join(
        _("%(count)d %(things)s")
        % {"count": n, "things": opts.verbose_name if n == 1 else opts.verbose_name_plural}
        for opts, n in sorted(counts.items(), key=lambda item: item[0].label)
    )


class ObjectDeleteView(ScopedViewMixin, View):
    """POST only. Objects still in use (PROTECT) are kept and the user is told what uses them."""

    http_method_names = ["post"]

    def post(self, request, pk):
        obj = get_object_or_404(self.restricted("view"), pk=pk)
        if not self.restricted("delete").filter(pk=obj.pk).exists():
            raise PermissionDenied
        label = str(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as exc:
            return self.refuse(obj, label, exc.protected_objects)
        except RestrictedError as exc:
            return self.refuse(obj, label, exc.restricted_objects)
        messages.success(request, _("%(object)s was deleted.") % {"object": label})
        return redirect(self.route("list") or "/")

    def refuse(self, obj, label, blockers):
        messages.error(
            self.request,
            _(
                "%(object)s cannot be deleted: it is still used by %(blockers)s. "
                "Remove or move those first."
            )
            % {"object": label, "blockers": protected_summary(blockers)},
        )
        return redirect(self.route("detail", obj.pk) or self.route("list") or "/")
