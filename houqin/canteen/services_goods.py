"""Writes of incoming goods checks (进货查验) and supplier licences: the keep-until date of a
record follows the school's figures (食品安全法 第五十条); supplier documents are attached on the
record's timeline, checked by content before anything is written."""

from __future__ import annotations

from datetime import date as date_type
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext as _

from houqin.core import compliance, timeline
from houqin.core.errors import DomainError

from . import rules
from .models.goods import GoodsCheck, SupplierLicence
from .services_food import require


def keep_until(
    school, *, day: date_type, production_date=None, shelf_life_days=None
) -> tuple[date_type | None, date_type]:
    """(best-before, keep-until) of a delivery: shelf-life end + the school's months, or the
    delivery day + the months for goods without a shelf life."""
    if shelf_life_days:
        best_before = (production_date or day) + timedelta(days=int(shelf_life_days))
        months = int(compliance.value(school, rules.GOODS_RECORD_MONTHS.key))
        return best_before, best_before + relativedelta(months=months)
    months = int(compliance.value(school, rules.GOODS_RECORD_MONTHS_NO_SHELF_LIFE.key))
    return None, day + relativedelta(months=months)


@transaction.atomic
def record_goods_check(check: GoodsCheck, *, by, files=()) -> GoodsCheck:
    """A delivery checked (new): refused goods need a reason; the keep-until date is set here."""
    require(by, check.school_id, "canteen.add_goodscheck")
    check.checked_by = by
    if not check.accepted and not (check.refusal_reason or "").strip():
        raise DomainError(_("Say why the goods were refused."))
    if check.production_date and check.production_date > check.date:
        raise DomainError(_("The production date cannot be after the delivery."))
    if not check.company_id and not (check.supplier_name or "").strip():
        raise DomainError(_("Name the supplier."))
    check.best_before, check.keep_until = keep_until(
        check.school_id, day=check.date, production_date=check.production_date,
        shelf_life_days=check.shelf_life_days,
    )  # fmt: skip
    if check.accepted and check.best_before and check.best_before < check.date:
        raise DomainError(_("These goods are past their shelf life: refuse them."))
    check.full_clean()
    check.save()
    files = [f for f in files if f]
    if files:
        timeline.attach(check, by=by, files=files, text=_("Supplier documents"))
    else:
        timeline.record(check, by=by, kind=timeline.Kind.EVENT, text=_("Goods checked"))
    return check


@transaction.atomic
def save_licence(licence: SupplierLicence, *, by, files=()) -> SupplierLicence:
    adding = licence._state.adding
    require(
        by,
        licence.school_id,
        "canteen.add_supplierlicence" if adding else "canteen.change_supplierlicence",
    )
    if not licence.company_id and not (licence.supplier_name or "").strip():
        raise DomainError(_("Name the supplier."))
    if licence.issued and licence.expires and licence.expires < licence.issued:
        raise DomainError(_("A licence cannot expire before it was issued."))
    licence.full_clean()
    licence.save()
    files = [f for f in files if f]
    if files:
        timeline.attach(licence, by=by, files=files, text=_("Licence copy"))
    elif adding:
        timeline.record(licence, by=by, kind=timeline.Kind.EVENT, text=_("Licence registered"))
    return licence
