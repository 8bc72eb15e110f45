"""The national asset classification shipped as data, and the services that change categories.

Top classes are the eight 门类 of GB/T 14885-2022 《固定资产等资产基础分类与代码》 (codes
``A01000000`` … ``A08000000``); under them come the classes a school uses most, with the
standard's codes (the 2022 codes are a letter and eight digits: A + 门类 + 大类 + 中类 + 小类).

Useful lives are the public-sector defaults as schools apply them (《政府会计准则第3号——固定资产》
应用指南, 附《政府固定资产折旧年限表》, and the 中小学校 table based on it): computers and office
equipment 6 years, vehicles 8, machinery (including air-conditioning) 10, most other equipment 5,
furniture 15 but student furniture 5, utensils 5, houses 50 (brick 30), simple buildings and
structures 8. Cultural relics, books and archives, special plants and animals, stores (物资) are
not depreciated; intangible assets (incl. land-use rights) are amortised over their own term,
which a school sets on a sub-category.

Value rules (SPEC §6, 财政部令第108号): special equipment is a fixed asset from the special
threshold; furniture, books and archives are fixed assets in batches whatever the unit price.

A standard category keeps its code, name, parent and rules; a school may change its useful life
(and its education-sector code and default unit) and add its own sub-categories, which inherit
life, depreciation, value rule and unit from the parent unless given.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for

from .models import AssetCategory, ValueRule


@dataclass(frozen=True)
class StandardCategory:
    code: str
    name: str
    parent: str | None = None
    life: int | None = None
    depreciates: bool = True
    value_rule: str = ValueRule.STANDARD
    unit: str = ""


S = StandardCategory
_FIXED = ValueRule.ALWAYS_FIXED
_SPECIAL = ValueRule.SPECIAL

# Parents come before their children.
STANDARD_CATEGORIES: tuple[StandardCategory, ...] = (
    # 门类 (top classes)
    S("A01000000", "房屋和构筑物", life=50, unit="平方米"),
    S("A02000000", "设备", life=5, unit="台"),
    S("A03000000", "文物和陈列品", depreciates=False, value_rule=_FIXED, unit="件"),
    S("A04000000", "图书和档案", depreciates=False, value_rule=_FIXED, unit="册"),
    S("A05000000", "家具和用具", life=15, value_rule=_FIXED, unit="件"),
    S("A06000000", "特种动植物", depreciates=False, unit="株"),
    S("A07000000", "物资", depreciates=False, unit="件"),
    S("A08000000", "无形资产", depreciates=False, unit="项"),
    # 房屋和构筑物
    S("A01010000", "房屋", "A01000000", life=50, unit="平方米"),
    S("A01020000", "构筑物", "A01000000", life=8, unit="座"),
    # 设备
    S("A02010000", "信息化设备", "A02000000", life=6, unit="台"),
    S("A02010100", "计算机", "A02010000", life=6, unit="台"),
    S("A02020000", "办公设备", "A02000000", life=6, unit="台"),
    S("A02021000", "打印机", "A02020000", life=6, unit="台"),
    S("A02030000", "车辆", "A02000000", life=8, unit="辆"),
    S("A02061804", "空调机", "A02000000", life=10, unit="台"),
    S("A02090000", "广播、电视、电影设备", "A02000000", life=5, unit="台"),
    S("A02100000", "仪器仪表", "A02000000", life=5, value_rule=_SPECIAL, unit="台"),
    S("A02450000", "文艺设备", "A02000000", life=5, value_rule=_SPECIAL, unit="件"),
    S("A02460000", "体育设备", "A02000000", life=5, value_rule=_SPECIAL, unit="件"),
    # 图书和档案
    S("A04010000", "图书", "A04000000", depreciates=False, value_rule=_FIXED, unit="册"),
    S("A04020000", "档案", "A04000000", depreciates=False, value_rule=_FIXED, unit="卷"),
    # 家具和用具
    S("A05010000", "家具", "A05000000", life=15, value_rule=_FIXED, unit="件"),
    S("A05010203", "教学、实验用桌", "A05010000", life=5, value_rule=_FIXED, unit="张"),
    S("A05010304", "教学、实验椅凳", "A05010000", life=5, value_rule=_FIXED, unit="把"),
)

# Fields a school may change on a category from the standard (code, name and rules stay).
STANDARD_EDITABLE = ("useful_life_years", "edu_code", "default_unit", "is_active")
# Fields of its own sub-categories.
OWN_EDITABLE = (
    "code",
    "name",
    "edu_code",
    "useful_life_years",
    "depreciates",
    "value_rule",
    "default_unit",
    "is_active",
)


class CategoryError(DomainError):
    default_message = _("This category cannot be saved.")


def _school_id(school) -> int:
    return getattr(school, "pk", school)


@transaction.atomic
def ensure_standard_categories(school) -> list[AssetCategory]:
    """The school's categories, adding the standard ones it lacks (safe to call again).

    A category whose code is already there is left as the school has it (its life may have
    been changed); only missing codes are created."""
    school_id = _school_id(school)
    existing = {c.code: c for c in AssetCategory.objects.filter(school_id=school_id)}
    for item in STANDARD_CATEGORIES:
        if item.code in existing:
            continue
        parent = existing.get(item.parent) if item.parent else None
        category, _created = AssetCategory.objects.get_or_create(
            school_id=school_id,
            code=item.code,
            defaults={
                "parent": parent,
                "name": item.name,
                "useful_life_years": item.life if item.depreciates else None,
                "depreciates": item.depreciates,
                "value_rule": item.value_rule,
                "default_unit": item.unit,
                "is_standard": True,
            },
        )
        existing[item.code] = category
    return list(AssetCategory.objects.filter(school_id=school_id).order_by("code", "pk"))


def has_standard_categories(school) -> bool:
    return AssetCategory.objects.filter(school_id=_school_id(school), is_standard=True).exists()


def _check(by, perm: str, school_id: int) -> None:
    if by is None:
        return  # the system (demo data, imports run by a task for a checked user)
    access = access_for(by)
    if not access.is_member or access.school_id != school_id or not access.has_perm(perm):
        raise PermissionDenied()


def _save(category: AssetCategory) -> AssetCategory:
    try:
        category.full_clean()
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:  # a concurrent save took the code first
        raise ValidationError({"code": [_("A category with this code already exists.")]}) from exc
    return category


@transaction.atomic
def add_category(
    *,
    school,
    by,
    parent: AssetCategory,
    code: str,
    name: str,
    edu_code: str = "",
    useful_life_years: int | None = None,
    depreciates: bool | None = None,
    value_rule: str | None = None,
    default_unit: str | None = None,
) -> AssetCategory:
    """A school's own sub-category; what is not given comes from ``parent``."""
    school_id = _school_id(school)
    _check(by, "assets.add_assetcategory", school_id)
    if parent is None:
        raise CategoryError(_("Choose the class this category belongs to."))
    if parent.school_id != school_id:
        raise CategoryError(_("This parent category is not in your school."))
    if depreciates is None:
        depreciates = parent.depreciates
    if useful_life_years is None and depreciates:
        useful_life_years = parent.useful_life_years
    category = AssetCategory(
        school_id=school_id,
        parent=parent,
        code=(code or "").strip(),
        edu_code=(edu_code or "").strip(),
        name=(name or "").strip(),
        useful_life_years=useful_life_years if depreciates else None,
        depreciates=depreciates,
        value_rule=value_rule or parent.value_rule,
        default_unit=parent.default_unit if default_unit is None else default_unit,
        is_standard=False,
    )
    return _save(category)


@transaction.atomic
def update_category(category: AssetCategory, *, by, **changes) -> AssetCategory:
    """Change a category: a standard one only its life, education code, unit and activity."""
    _check(by, "assets.change_assetcategory", category.school_id)
    allowed = STANDARD_EDITABLE if category.is_standard else OWN_EDITABLE
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise CategoryError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(refused)}
        )
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(category, field, value)
    if not category.depreciates:
        category.useful_life_years = None
    return _save(category)


def descendants(category: AssetCategory) -> list[int]:
    """Ids of ``category`` and all below it (one query)."""
    from .filters import category_and_descendants

    return category_and_descendants(category)
