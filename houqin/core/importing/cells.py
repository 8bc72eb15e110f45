"""Cell values as Excel and CSV hand them over, turned into Python values.

Each parser takes one trimmed, non-blank cell (a ``str``, or a number, date or bool when the
file is xlsx) and returns the value, or raises ``CellError`` with a message a clerk can act on.
Parsers built by factories (``text(max_length=20)``) are plain callables, so an importer may
pass any function of its own as a column's ``parse``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Excel's day zero (with its 1900 leap-year bug folded in) for serial date numbers.
EXCEL_EPOCH = date(1899, 12, 30)
_BLANKS = "\u3000\u00a0\ufeff\u200b"


class CellError(ValueError):
    """A cell holds a value the column cannot take; ``message`` tells the clerk why."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def clean_cell(value):
    """Trim strings (also full-width and non-breaking spaces); blank cells become ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip().strip(_BLANKS).strip()
        return value or None
    return value


def as_text(value) -> str:
    """Text of a cell; numbers Excel turned into floats (1001.0, 1.38e10) come back whole."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _ascii(value) -> str:
    # NFKC folds full-width digits and letters (１２３, Ａ) typed with a Chinese IME.
    return unicodedata.normalize("NFKC", as_text(value)).strip()


def text(max_length: int | None = None) -> Callable:
    def parse(value):
        out = as_text(value)
        if max_length and len(out) > max_length:
            raise CellError(
                _("Too long: at most %(max)d characters, this has %(n)d.")
                % {"max": max_length, "n": len(out)}
            )
        return out

    return parse


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(value: str) -> int | None:
    """1–99 written in Chinese (三, 十二, 二十三); ``None`` when it is not such a number."""
    if not value or any(ch not in _CN_DIGITS and ch != "十" for ch in value):
        return None
    if "十" not in value:
        return _CN_DIGITS[value] if len(value) == 1 else None
    tens, _sep, ones = value.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _units_re(units: str):
    """A pattern for a trailing unit; NFKC forms too, since cells are folded (㎡ → m2)."""
    if not units:
        return None
    names = {u for unit in units.split() for u in (unit, unicodedata.normalize("NFKC", unit))}
    alternatives = "|".join(re.escape(u) for u in sorted(names, key=len, reverse=True))
    return re.compile(rf"\s*(?:{alternatives})$", re.IGNORECASE)


def integer(
    min_value: int | None = None, max_value: int | None = None, units: str = ""
) -> Callable:
    """Whole numbers; ``units`` lists suffixes to drop first ("人", "个")."""
    unit_re = _units_re(units)

    def parse(value):
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raw = _ascii(value).replace(",", "")
            if unit_re:
                raw = unit_re.sub("", raw)
            if re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
                number = int(float(raw))
            elif (cn := chinese_number(raw)) is not None:
                number = cn
            else:
                raise CellError(_("Not a whole number."))
        if min_value is not None and number < min_value:
            raise CellError(_("Must be at least %(min)d.") % {"min": min_value})
        if max_value is not None and number > max_value:
            raise CellError(_("Must be at most %(max)d.") % {"max": max_value})
        return number

    return parse


def decimal(
    max_digits: int = 12, decimal_places: int = 2, min_value=None, units: str = ""
) -> Callable:
    """Decimals (money, areas): exact, rounded to ``decimal_places``; ``units`` are dropped."""
    unit_re = _units_re(units)
    quantum = Decimal(1).scaleb(-decimal_places)

    def parse(value):
        if isinstance(value, bool):
            raise CellError(_("Not a number."))
        # repr of a float is the shortest text that reads back the same: 45.1, not 45.09999…
        raw = repr(value) if isinstance(value, float) else _ascii(value).replace(",", "")
        raw = raw.lstrip("¥￥")
        if unit_re:
            raw = unit_re.sub("", raw)
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Not a number.")) from None
        if not number.is_finite():
            raise CellError(_("Not a number."))
        number = number.quantize(quantum)
        if len(number.as_tuple().digits) > max_digits:
            raise CellError(_("The number is too large."))
        if min_value is not None and number < Decimal(min_value):
            raise CellError(_("Must be at least %(min)s.") % {"min": min_value})
        return number

    return parse


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def parse_date(value) -> date:
    """A date from an Excel serial number, a date/datetime cell, or 2026-09-01, 2026/9/1,
    2026.9.1, 2026年9月1日 or 20260901."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 99991231 and float(value).is_integer():
            return parse_date(str(int(value)))  # 20260901 typed as a number
        if 1 <= value < 2958466:  # Excel's range: 1900-01-01 .. 9999-12-31
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("Not a date."))
    raw = _ascii(value)
    match = _DATE_RE.fullmatch(raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    if not match:
        if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # a serial number that went through CSV
            return parse_date(float(raw))
        raise CellError(_("Not a date: write it as 2026-09-01."))
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(_("This date does not exist.")) from None


def normalize_key(value) -> str:
    """The form used to compare labels and headers: NFKC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", as_text(value))).casefold()


def choice(options: Mapping[str, object] | Callable[[], Mapping[str, object]]) -> Callable:
    """One of the labels in ``options`` (label → value); matching ignores case and spaces.

    ``options`` may be a callable so labels translated at run time are included.
    """

    def parse(value):
        mapping = options() if callable(options) else options
        table = {normalize_key(label): v for label, v in mapping.items()}
        key = normalize_key(value)
        if key in table:
            return table[key]
        shown = "、".join(_first_labels(mapping))
        raise CellError(_("Unknown value. Use one of: %(choices)s.") % {"choices": shown})

    return parse


def _first_labels(mapping: Mapping[str, object]) -> list[str]:
    # Show one label per value (the first given), so the hint stays short.
    seen: dict[object, str] = {}
    for label, v in mapping.items():
        seen.setdefault(v, str(label))
    return list(seen.values())


_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def mainland_mobile(value) -> str:
    """An 11-digit mainland China mobile number; spaces, dashes and +86 are dropped."""
    raw = re.sub(r"[\s\-()（）]", "", _ascii(value))
    raw = re.sub(r"^(?:\+?86|0086)(?=1\d{10}$)", "", raw)
    if not _MOBILE_RE.fullmatch(raw):
        raise CellError(_("Not a mobile number: write the 11 digits, e.g. 13800000000."))
    return raw


def email(value) -> str:
    raw = as_text(value)
    try:
        validate_email(raw)
    except ValidationError:
        raise CellError(_("Not an e-mail address.")) from None
    return raw.lower()


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize_key(value)
    if key in {"是", "1", "y", "yes", "true", "在用", "启用", "√", "✓"}:
        return True
    if key in {"否", "0", "n", "no", "false", "停用", "×", "✗"}:
        return False
    raise CellError(_("Write 是 or 否."))
