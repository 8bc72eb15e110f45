"""Change history of any record (django-simple-history), as rows people can read.

Every concrete model in the houqin apps registers ``history = HistoricalRecords()``, except
append-only rows that are their own record (ledgers, timeline, notifications, counters):
those say why with a class attribute ``history_exempt_reason = "..."``. A test enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges, registered_models

CHANGE_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HISTORY_PAGE_SIZE = 100


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime
    who: object | None
    change_type: str
    change_label: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def has_history(model: type[models.Model]) -> bool:
    return (
        model._meta.db_table in registered_models
        and registered_models[model._meta.db_table] is model
    )


def is_history_model(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges)


def models_missing_history(app_prefix: str = "houqin.", skip_apps=("testdocs",)) -> list[str]:
    """Concrete models of our apps with neither history nor a stated reason to skip it."""
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith(app_prefix) or config.label in skip_apps:
            continue
        for model in config.get_models():
            opts = model._meta
            if opts.proxy or not opts.managed or opts.auto_created or is_history_model(model):
                continue
            if getattr(model, "history_exempt_reason", "") or has_history(model):
                continue
            missing.append(opts.label)
    return sorted(missing)


def _display(field_obj, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field_obj is None:
        return str(value)
    if field_obj.is_relation and field_obj.many_to_one:
        obj = related.get((field_obj.name, value))
        return str(obj) if obj is not None else f"#{value}"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(field_obj, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    return str(value)


def history_for(obj: models.Model, limit: int = HISTORY_PAGE_SIZE) -> list[HistoryRow]:
    """The object's changes, newest first: who, when, what changed from what to what.

    Runs a fixed number of queries: the history rows (with users), then one per foreign
    key field that changed, to show names rather than ids.
    """
    model = type(obj)
    if not has_history(model):
        return []
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    opts = model._meta
    deltas = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = (
            record.diff_against(older).changes
            if older is not None and record.history_type == "~"
            else []
        )
        deltas.append((record, changes))
    related = _related_names(opts, [c for _record, changes in deltas for c in changes])
    rows = []
    for record, changes in deltas:
        field_changes = []
        for change in changes:
            field_obj = _field(opts, change.field)
            label = str(field_obj.verbose_name) if field_obj is not None else change.field
            field_changes.append(
                FieldChange(
                    field=change.field,
                    label=label,
                    old=_display(field_obj, change.old, related),
                    new=_display(field_obj, change.new, related),
                )
            )
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=record.history_user,
                change_type=record.history_type,
                change_label=str(CHANGE_TYPES.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=field_changes,
            )
        )
    return rows


def _field(opts, name):
    try:
        return opts.get_field(name)
    except Exception:
        return None


def _related_names(opts, changes) -> dict:
    wanted: dict[str, set] = {}
    for change in changes:
        field_obj = _field(opts, change.field)
        if field_obj is not None and field_obj.is_relation and field_obj.many_to_one:
            wanted.setdefault(change.field, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    out = {}
    for name, pks in wanted.items():
        related_model = opts.get_field(name).related_model
        # Plain lookup by primary key: the history page already checked the object is visible.
        for related in related_model._base_manager.filter(pk__in=pks):
            out[(name, related.pk)] = related
    return out
