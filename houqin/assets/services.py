"""The asset register's services: registering assets (one card or a received batch), editing a
card, and setting its status. Every change to an asset card goes through here or through the
services of the other asset areas (movements, stock-takes, disposals).

Numbers: a generated number comes from ``houqin.core.numbering.next_values`` (gapless per
school and year; year 0 when the school's numbers carry no year) formatted by
``AssetSettings.format_number``; a given number (an imported ledger's) is checked for
duplicates, and the (school, number) constraint answers any race with the same clear message.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.attachments import validate_upload
from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.numbering import current_year, next_values
from houqin.core.scoping import access_for

from .models import Asset, AssetCategory, AssetSettings, AssetStatus

NUMBER_DOC_TYPE = "assets.asset"
MAX_PHOTOS = 10
MAX_BATCH = 1000
CENT = Decimal("0.01")

# What register_asset and update_asset accept besides the number, category and values.
CARD_FIELDS = (
    "name",
    "model",
    "brand",
    "serial_number",
    "unit",
    "funding_source",
    "acquisition_mode",
    "use_direction",
    "acquired_on",
    "supplier",
    "invoice_number",
    "warranty_until",
    "useful_life_years",
    "notes",
)
# Where an asset is and who keeps it: set on registration, changed only by a movement.
PLACE_FIELDS = ("room", "department", "custodian")
# Changed by update_asset (the rest through set_status or the movements service).
EDITABLE_FIELDS = (
    *CARD_FIELDS,
    "number",
    "category",
    "quantity",
    "unit_price",
    "total_value",
    "kind",
)
# Statuses a person sets by hand; lent, pending disposal and disposed come from their flows.
MANUAL_STATUSES = (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.IN_REPAIR, AssetStatus.LOST)


class AssetError(DomainError):
    default_message = _("This asset cannot be saved.")


class DuplicateNumber(AssetError):
    default_message = _("This asset number is already used in your school.")


def duplicate_message(number: str) -> str:
    return gettext("Asset number %(number)s is already used in your school.") % {"number": number}


# ---------------------------------------------------------------- helpers


def _school_id(school) -> int:
    return getattr(school, "pk", school)


def _check(by, perm: str, school_id: int) -> None:
    """``by`` may ``perm`` in ``school_id`` (``by=None``: the system, e.g. demo data)."""
    if by is None:
        return
    access = access_for(by)
    if not access.is_member or access.school_id != school_id or not access.has_perm(perm):
        raise PermissionDenied()


def _check_change(by, asset: Asset) -> None:
    if by is None:
        return
    if not Asset.objects.restrict(by, "change").filter(pk=asset.pk).exists():
        raise PermissionDenied()


def _decimal(value, default=Decimal("0")) -> Decimal:
    if value is None or value == "":
        return default
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT)


def _check_photos(photos) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise AssetError(_("At most %(count)d photos can be added.") % {"count": MAX_PHOTOS})
    for photo in photos:
        validate_upload(photo)  # refused before anything is written
    return photos


def _check_related(school_id: int, *, category=None, room=None, department=None, custodian=None):
    """Every row the card points at belongs to the same school (forms and API scope their
    choices too; services are the last line)."""
    if category is not None and category.school_id != school_id:
        raise AssetError(_("This category is not in your school."))
    if room is not None and room.school_id != school_id:
        raise AssetError(_("This place is not in your school."))
    if department is not None and department.school_id != school_id:
        raise AssetError(_("This department is not in your school."))
    if custodian is not None:
        member = get_user_model().objects.filter(
            pk=custodian.pk, memberships__school_id=school_id, memberships__is_active=True
        )
        if not member.exists():
            raise AssetError(_("The custodian is not a member of your school."))


def _numbers_taken(school_id: int, numbers) -> list[str]:
    return sorted(
        Asset.objects.filter(school_id=school_id, number__in=list(numbers)).values_list(
            "number", flat=True
        )
    )


def allocate_numbers(school, count: int = 1, *, year: int | None = None) -> list[str]:
    """``count`` consecutive new asset numbers (inside the caller's transaction).

    A number taken already by an imported ledger is skipped (the counter moves past it), so a
    generated number never collides with a given one."""
    settings = AssetSettings.for_school(school)
    if year is None:
        year = current_year(school if hasattr(school, "pk") else None)
    key_year = year if settings.number_with_year else 0
    numbers: list[str] = []
    for _attempt in range(20):
        values = next_values(
            school=school, doc_type=NUMBER_DOC_TYPE, year=key_year, count=count - len(numbers)
        )
        candidates = [settings.format_number(year, v) for v in values]
        taken = set(_numbers_taken(_school_id(school), candidates))
        numbers += [n for n in candidates if n not in taken]
        if len(numbers) == count:
            return numbers
    raise AssetError(_("Could not find free asset numbers. Check the number settings."))


def _clean_number(number) -> str:
    return (number or "").strip()


def _build(school_id: int, settings: AssetSettings, by, fields: dict) -> Asset:
    category: AssetCategory = fields.pop("category")
    quantity = _decimal(fields.pop("quantity", None), Decimal("1"))
    unit_price = _decimal(fields.pop("unit_price", None))
    total_value = fields.pop("total_value", None)
    total_value = (
        _total(quantity, unit_price) if total_value in (None, "") else _decimal(total_value)
    )
    kind = fields.pop("kind", None) or settings.kind_for(category, unit_price)
    unknown = sorted(set(fields) - set(CARD_FIELDS) - set(PLACE_FIELDS) - {"status"})
    if unknown:
        raise TypeError(f"unknown asset fields: {', '.join(unknown)}")
    asset = Asset(
        school_id=school_id,
        category=category,
        quantity=quantity,
        unit_price=unit_price,
        total_value=total_value,
        kind=kind,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **{k: v for k, v in fields.items() if v is not None},
    )
    if not asset.unit:
        asset.unit = category.default_unit
    for name in ("name", "model", "brand", "serial_number", "supplier", "invoice_number"):
        setattr(asset, name, (getattr(asset, name) or "").strip())
    return asset


def _save_new(asset: Asset) -> Asset:
    try:
        asset.full_clean(validate_unique=False, validate_constraints=False)
        asset.validate_constraints(exclude={"number"} if asset.number else None)
        with transaction.atomic():
            asset.save()
    except IntegrityError as exc:
        if Asset.objects.filter(school_id=asset.school_id, number=asset.number).exists():
            raise DuplicateNumber(duplicate_message(asset.number)) from exc
        raise
    return asset


def _registered(asset: Asset, by, *, batch: str = "") -> None:
    text = (
        gettext("Registered.")
        if not batch
        else gettext("Registered in batch %(batch)s.") % {"batch": batch}
    )
    timeline.record(asset, by=by, kind=timeline.Kind.EVENT, text=text, data={"event": "registered"})


# ---------------------------------------------------------------- registering


@transaction.atomic
def register_asset(*, school, by, number: str | None = None, photos=(), **fields) -> Asset:
    """Register one asset card (or one batch card: ``quantity`` 120 of "课桌椅").

    ``number``: given (checked for duplicates) or the next generated one. ``kind`` comes from
    the school's thresholds and the category's rule unless given; ``total_value`` is
    quantity × unit price unless given. ``photos`` go on its timeline."""
    school_id = _school_id(school)
    _check(by, "assets.add_asset", school_id)
    if fields.get("category") is None:
        raise AssetError(_("Choose a category."))
    _check_related(school_id, **{k: fields.get(k) for k in ("category", *PLACE_FIELDS)})
    photos = _check_photos(photos)
    settings = AssetSettings.for_school(school_id)
    asset = _build(school_id, settings, by, dict(fields))
    number = _clean_number(number)
    if number:
        if _numbers_taken(school_id, [number]):
            raise DuplicateNumber(duplicate_message(number))
        asset.number = number
    else:
        asset.number = allocate_numbers(school)[0]
    _save_new(asset)
    _registered(asset, by)
    if photos:
        timeline.attach(asset, by=by, files=photos)
    return asset


@transaction.atomic
def register_batch(
    *, school, by, count: int, numbers: list[str] | None = None, **fields
) -> list[Asset]:
    """Register ``count`` identical assets received together ("30 computers"), each its own
    card with consecutive numbers (or the given ``numbers``, all checked for duplicates)."""
    school_id = _school_id(school)
    _check(by, "assets.add_asset", school_id)
    if not 1 <= count <= MAX_BATCH:
        raise AssetError(_("A batch has from 1 to %(max)d assets.") % {"max": MAX_BATCH})
    if fields.get("category") is None:
        raise AssetError(_("Choose a category."))
    _check_related(school_id, **{k: fields.get(k) for k in ("category", *PLACE_FIELDS)})
    if numbers is not None:
        numbers = [_clean_number(n) for n in numbers]
        if len(numbers) != count or not all(numbers):
            raise AssetError(_("Give one asset number for each asset of the batch."))
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise DuplicateNumber(
                gettext("Asset numbers repeated in the batch: %(numbers)s.")
                % {"numbers": ", ".join(repeated)}
            )
        taken = _numbers_taken(school_id, numbers)
        if taken:
            raise DuplicateNumber(
                gettext("Asset numbers already used in your school: %(numbers)s.")
                % {"numbers": ", ".join(taken[:20])}
            )
    else:
        numbers = allocate_numbers(school, count)
    settings = AssetSettings.for_school(school_id)
    batch = f"{numbers[0]}–{numbers[-1]}" if count > 1 else numbers[0]
    assets = []
    for number in numbers:
        asset = _build(school_id, settings, by, dict(fields))
        asset.number = number
        _save_new(asset)
        _registered(asset, by, batch=batch if count > 1 else "")
        assets.append(asset)
    return assets


# ---------------------------------------------------------------- editing


def _lock(asset: Asset) -> Asset:
    """Re-read the row under lock (PostgreSQL) so two edits do not overwrite each other."""
    fresh = Asset.objects.select_for_update().get(pk=asset.pk)
    for field in fresh._meta.concrete_fields:
        setattr(asset, field.attname, getattr(fresh, field.attname))
    return asset


@transaction.atomic
def update_asset(asset: Asset, *, by, **changes) -> Asset:
    """Change a card's description or values; the timeline names the changed fields.

    Place, department and custodian change by a movement (the Move action), status by
    ``set_status`` or its flow. A new category or unit price re-decides fixed/low-value unless
    ``kind`` is given; a new quantity or unit price recomputes the total unless it is given."""
    _check_change(by, asset)
    moved = sorted(set(changes) & set(PLACE_FIELDS))
    if moved:
        raise AssetError(
            _("Place, department and custodian change by a movement: use Move on the asset.")
        )
    if "status" in changes:
        raise AssetError(_("Change the status with its own action."))
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"unknown asset fields: {', '.join(unknown)}")
    _lock(asset)
    if asset.status == AssetStatus.DISPOSED:
        raise AssetError(_("A disposed asset cannot be edited."))
    before = {name: getattr(asset, _attname(name)) for name in EDITABLE_FIELDS}
    if "category" in changes:
        _check_related(asset.school_id, category=changes["category"])
    for name in ("quantity", "unit_price"):
        if name in changes:
            changes[name] = _decimal(changes[name], Decimal("1") if name == "quantity" else 0)
    if "number" in changes:
        changes["number"] = _clean_number(changes["number"])
        if not changes["number"]:
            raise AssetError(_("An asset needs a number."))
        if changes["number"] != asset.number and _numbers_taken(
            asset.school_id, [changes["number"]]
        ):
            raise DuplicateNumber(duplicate_message(changes["number"]))
    for name, value in changes.items():
        if isinstance(value, str) and name != "notes":
            value = value.strip()
        setattr(asset, name, value)
    if ("quantity" in changes or "unit_price" in changes) and "total_value" not in changes:
        asset.total_value = _total(asset.quantity, asset.unit_price)
    elif "total_value" in changes:
        asset.total_value = _decimal(changes["total_value"])
    if ("category" in changes or "unit_price" in changes) and not changes.get("kind"):
        settings = AssetSettings.for_school(asset.school_id)
        asset.kind = settings.kind_for(asset.category, asset.unit_price)
    changed = [name for name in EDITABLE_FIELDS if getattr(asset, _attname(name)) != before[name]]
    if not changed:
        return asset
    try:
        asset.full_clean(validate_unique=False, validate_constraints=False)
        asset.validate_constraints(exclude={"number"})
        with transaction.atomic():
            asset.save()
    except IntegrityError as exc:
        if (
            Asset.objects.filter(school_id=asset.school_id, number=asset.number)
            .exclude(pk=asset.pk)
            .exists()
        ):
            raise DuplicateNumber(duplicate_message(asset.number)) from exc
        raise
    labels = ", ".join(str(Asset._meta.get_field(name).verbose_name) for name in changed)
    timeline.record(
        asset,
        by=by,
        kind=timeline.Kind.EVENT,
        text=gettext("Changed: %(fields)s.") % {"fields": labels},
        data={"event": "changed", "fields": changed},
    )
    return asset


def _attname(name: str) -> str:
    return "category_id" if name == "category" else name


@transaction.atomic
def set_status(asset: Asset, *, by, status: str, note: str = "") -> Asset:
    """Set the status (in use, idle, in repair, lost: by hand; the other flows call it too).

    A disposed asset stays disposed. Every change is a state change on its timeline."""
    _check_change(by, asset)
    if status not in AssetStatus.values:
        raise AssetError(_("Unknown status."))
    _lock(asset)
    if asset.status == status:
        return asset
    if asset.status == AssetStatus.DISPOSED:
        raise AssetError(_("A disposed asset cannot change its status."))
    previous = asset.status
    asset.status = status
    fields = ["status", "updated_at"]
    if status == AssetStatus.DISPOSED and asset.disposed_on is None:
        asset.disposed_on = timezone.localdate()
        fields.append("disposed_on")
    asset.save(update_fields=fields)
    timeline.record(
        asset,
        by=by,
        kind=timeline.Kind.STATE_CHANGE,
        from_state=previous,
        to_state=status,
        text=(note or "").strip(),
    )
    return asset


def set_manual_status(asset: Asset, *, by, status: str, note: str = "") -> Asset:
    """A person's status change from the asset page: in use, idle, in repair or lost only."""
    if status not in MANUAL_STATUSES:
        raise AssetError(
            _("Lending, disposal and write-off change the status through their own forms.")
        )
    if asset.status in (AssetStatus.LENT, AssetStatus.PENDING_DISPOSAL):
        raise AssetError(_("This asset is lent or waiting for disposal: finish that first."))
    return set_status(asset, by=by, status=status, note=note)


@transaction.atomic
def add_photos(asset: Asset, *, by, photos, text: str = ""):
    """Photos of the asset, on its timeline (whoever may view it may add them)."""
    if not Asset.objects.restrict(by, "view").filter(pk=asset.pk).exists():
        raise PermissionDenied()
    return timeline.attach(asset, by=by, files=_check_photos(photos), text=text)


def validation_message(error: ValidationError) -> str:
    return "; ".join(error.messages)


SETTINGS_FIELDS = (
    "number_prefix",
    "number_with_year",
    "number_digits",
    "fixed_threshold",
    "special_threshold",
    "label_title",
)


@transaction.atomic
def update_settings(settings: AssetSettings, *, by, **changes) -> AssetSettings:
    """Change the school's asset numbers, thresholds or label title (the director).

    New thresholds apply to assets registered or revalued from now on; cards already on the
    register keep their class (the books do not change retroactively)."""
    _check(by, "assets.change_assetsettings", settings.school_id)
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS))
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(unknown)}")
    fresh = AssetSettings.objects.select_for_update().get(pk=settings.pk)
    for name, value in changes.items():
        setattr(fresh, name, value.strip() if isinstance(value, str) else value)
    fresh.full_clean()
    fresh.save()
    return fresh
