"""Labels written in import files, cell parsers of places and people, shared helpers."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import cells
from houqin.core.importing.cells import CellError, chinese_number, normalize_key

from ..models import (
    GRADE_NAMES,
    Department,
    RoomType,
)
from ..roles import Role

# The first label of each is the one exports and templates write.
ROOM_TYPE_LABELS: dict[str, list[str]] = {
    RoomType.CLASSROOM: ["教室", "普通教室"],
    RoomType.OFFICE: ["办公室"],
    RoomType.LAB: ["实验室"],
    RoomType.FUNCTION: ["功能室", "专用教室", "功能教室"],
    RoomType.VENUE: ["场馆", "体育馆", "报告厅"],
    RoomType.DORMITORY: ["宿舍", "寝室"],
    RoomType.CANTEEN: ["食堂", "餐厅"],
    RoomType.OUTDOOR: ["室外区域", "室外", "户外", "操场"],
    RoomType.OTHER: ["其他", "其它"],
}

ROLE_LABELS: dict[str, list[str]] = {
    Role.DIRECTOR: ["后勤主任", "总务主任", "后勤处主任"],
    Role.CLERK: ["后勤干事", "后勤文员", "总务干事"],
    Role.WORKER: ["维修工", "维修人员", "维修工人"],
    Role.KEEPER: ["仓库管理员", "仓管员", "保管员"],
    Role.FINANCE: ["财务", "财务人员", "会计"],
    Role.PRINCIPAL: ["校长", "副校长"],
    Role.DEPT_HEAD: ["部门负责人", "处室主任", "部门主任", "教研组长"],
    Role.STAFF: ["教师", "教职工", "职工", "员工"],
    Role.CLASS_TEACHER: ["班主任"],
    Role.INSPECTOR: ["检查员", "巡查员", "值周教师"],
    Role.CONTRACTOR: ["外包人员", "外包员工", "物业人员"],
    Role.GUARD: ["门卫", "保安"],
    Role.CANTEEN_MANAGER: ["食堂管理员", "食堂经理"],
    Role.AUDITOR: ["审计", "审计员"],
    Role.DISTRICT_OFFICER: ["教育局", "教育局人员"],
}

GRADE_LABELS: dict[int, list[str]] = {
    1: ["一年级"], 2: ["二年级"], 3: ["三年级"], 4: ["四年级"], 5: ["五年级"], 6: ["六年级"],
    7: ["初一", "七年级", "初中一年级"], 8: ["初二", "八年级", "初中二年级"],
    9: ["初三", "九年级", "初中三年级"], 10: ["高一", "高中一年级"],
    11: ["高二", "高中二年级"], 12: ["高三", "高中三年级"],
}  # fmt: skip

ROLE_SEPARATORS = "、,，;；/|"


def _translated_labels(choices) -> dict[str, object]:
    """Each choice's label in every language the site speaks, plus its code."""
    out: dict[str, object] = {}
    for value, label in choices:
        out[str(value)] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                out[str(label)] = value
    return out


def room_type_options() -> dict[str, object]:
    options = {label: value for value, labels in ROOM_TYPE_LABELS.items() for label in labels}
    return options | {
        k: v for k, v in _translated_labels(RoomType.choices).items() if k not in options
    }


def role_options() -> dict[str, str]:
    options = {label: value for value, labels in ROLE_LABELS.items() for label in labels}
    return options | {k: v for k, v in _translated_labels(Role.choices).items() if k not in options}


def grade_options() -> dict[str, int]:
    options = {label: grade for grade, labels in GRADE_LABELS.items() for label in labels}
    for grade, label in GRADE_NAMES.items():
        options[str(grade)] = grade
        options[f"{grade}年级"] = grade
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                options.setdefault(str(label), grade)
    return options


# ---------------------------------------------------------------- cell parsers


def parse_floor(value) -> int:
    """3, "3F", "3楼", "3层", "三楼", "-1", "B1", "负一层", "地下1层" → the floor number."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        number = int(value)
    else:
        raw = normalize_key(value).upper()
        basement = False
        if match := re.fullmatch(r"(?:B|负|地下|-)(.+)", raw):
            basement, raw = True, match[1]
        raw = re.sub(r"(?:F|L|楼|层)$", "", raw)
        if raw.isdigit():
            number = int(raw)
        elif (cn := chinese_number(raw)) is not None:
            number = cn
        else:
            raise CellError(_("Not a floor: write 3, 3F, 3楼, or -1 / B1 for a basement."))
        number = -number if basement else number
    if number == 0:
        raise CellError(_("There is no floor 0: the ground floor is 1, basements are -1, -2."))
    if not -9 <= number <= 150:
        raise CellError(_("Not a floor: write 3, 3F, 3楼, or -1 / B1 for a basement."))
    return number


def parse_class_number(value) -> int:
    """3, "3班", "(3)班", "（3）班", "三班", "初一(3)班" → 3."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        number = int(value)
    else:
        raw = normalize_key(value)
        match = re.search(r"\(?(\d+)\)?班?$", raw)
        if match:
            number = int(match[1])
        elif (m := re.search(r"([一二两三四五六七八九十]+)班$", raw)) and (
            cn := chinese_number(m[1])
        ):
            number = cn
        else:
            raise CellError(_("Not a class number: write 3, 3班 or (3)班."))
    if not 1 <= number <= 99:
        raise CellError(_("A class number is between 1 and 99."))
    return number


_USERNAME_RE = re.compile(r"[\w.@+-]+")


def parse_username(value) -> str:
    raw = cells.as_text(value)
    if len(raw) > 150 or not _USERNAME_RE.fullmatch(raw):
        raise CellError(_("A username may hold letters, digits and @ . + - _ only."))
    return raw


def parse_roles(value) -> list[str]:
    """One or more role labels (Chinese or English) or codes, separated by 、 , ， ; / |."""
    options = {normalize_key(k): v for k, v in role_options().items()}
    raw = normalize_key(value)
    # Labels that contain a separator ("Teacher / staff") are matched before splitting.
    for label in sorted(
        (k for k in options if any(s in k for s in ROLE_SEPARATORS)), key=len, reverse=True
    ):
        raw = raw.replace(label, f"、{options[label]}、")
    roles, unknown = [], []
    for part in re.split(rf"[{re.escape(ROLE_SEPARATORS)}]", raw):
        if not part:
            continue
        if part in options:
            if options[part] not in roles:
                roles.append(options[part])
        else:
            unknown.append(part)
    if unknown:
        shown = "、".join(labels[0] for labels in ROLE_LABELS.values())
        raise CellError(
            _("Unknown role %(role)s. Roles are: %(roles)s.")
            % {"role": "、".join(unknown), "roles": shown}
        )
    return roles


def room_type_label(value: str) -> str:
    return ROOM_TYPE_LABELS.get(value, [value])[0]


def role_label(value: str) -> str:
    return ROLE_LABELS.get(value, [value])[0]


def grade_label(grade: int) -> str:
    return GRADE_LABELS.get(grade, [str(grade)])[0]


def match_key(value) -> str:
    return normalize_key(value) if value is not None else ""


def departments_by_name(school) -> dict[str, Department]:
    out = {}
    for department in Department.objects.filter(school=school):
        if department.code:
            out.setdefault(match_key(department.code), department)
        out[match_key(department.name)] = department
    return out


def save_checked(obj, by) -> None:
    # Field checks without per-row queries: the importer resolved references and checked
    # uniqueness in bulk, so foreign keys, unique fields and constraints are not re-queried.
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    obj._history_user = by  # the change history names the importer, also outside a request
    obj.save()
