"""Importing a school's asset ledger: every step is a service the pages, the task and the bench
call alike.

    upload_ledger → choose_columns (checks every row) → resolve_names → start_import → run_import

``run_import`` checks the file again and writes everything in one transaction: if anything
fails, nothing is written and the import says why. Files of ``INLINE_ROWS`` rows or more run
as a background task (``tasks.run_asset_import_task``) with progress the page polls.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import PurePath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from houqin.core import timeline
from houqin.core.errors import Conflict, DomainError, PermissionDenied
from houqin.core.importing import ImportResult, RowError, Sheet, read_workbook
from houqin.core.importing.base import normalize_header
from houqin.core.importing.reports import error_report_xlsx
from houqin.core.notify import notify
from houqin.core.scoping import access_for
from houqin.org.models import Department, Room, School, User

from ..categories import ensure_standard_categories
from ..models import AssetImport, ImportMapping, ImportStatus
from .checking import LedgerCheck, LedgerChecker
from .fields import FIELDS_BY_KEY, missing_required, suggest_mapping
from .reading import LedgerSheet, drop_rows, examples, keep_rows, kept_rows, read_ledger
from .writing import write_assets

logger = logging.getLogger(__name__)

IMPORT_PERM = "assets.import_asset"
INLINE_ROWS = 2000  # smaller files import within the request
MAX_STORED_ERRORS = 500  # shown on the page; the error report lists every one
PROGRESS_KEY = "assets:import-progress:{pk}"
PROGRESS_TTL = 6 * 3600
EDITABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED)


def _require(by, school) -> None:
    if not access_for(by, school).has_perm(IMPORT_PERM):
        raise PermissionDenied()


def _school(imp: AssetImport) -> School:
    return School.objects.get(pk=imp.school_id)


def remembered_mapping(school) -> dict[str, str]:
    """The school's remembered choices: normalised header → field ("" for ignored)."""
    found = ImportMapping.objects.filter(school=school).first()
    return dict(found.headers) if found else {}


def _read(imp: AssetImport, remembered=None) -> LedgerSheet:
    """The ledger's rows as kept at upload (or read again from the file)."""
    options = {"sheet_name": imp.sheet_name, "header_row": imp.header_row, "remembered": remembered}
    sheets = kept_rows(imp.file.storage, imp.file.name)
    if sheets is not None:
        return read_ledger(sheets=sheets, **options)
    with imp.file.open("rb") as fh:
        return read_ledger(fh, **options)


# ---------------------------------------------------------------- progress


def set_progress(imp_pk: int, *, phase: str, done: int) -> None:
    """Progress of a running import. Kept in the cache (shared by web and worker processes):
    the import's own rows cannot be seen by the page until its transaction commits."""
    cache.set(PROGRESS_KEY.format(pk=imp_pk), {"phase": phase, "done": done}, PROGRESS_TTL)


def progress_of(imp: AssetImport) -> dict:
    """{"phase": "queued" | "checking" | "writing" | "done", "done": rows, "percent": 0–100}."""
    total = max(imp.total_rows, 1)
    if imp.status == ImportStatus.DONE:
        return {"phase": "done", "done": imp.processed_rows, "percent": 100}
    found = cache.get(PROGRESS_KEY.format(pk=imp.pk)) or {}
    phase = found.get("phase") or ("queued" if imp.status == ImportStatus.QUEUED else "checking")
    done = min(int(found.get("done") or 0), total)
    # Checking is the first half of the bar, writing the second.
    percent = done * 50 // total + (50 if phase == "writing" else 0)
    return {"phase": phase, "done": done, "percent": min(percent, 99)}


# ---------------------------------------------------------------- steps


def upload_ledger(*, school, by, file, name: str = "") -> AssetImport:
    """Keep an uploaded ledger and propose a column mapping (nothing is checked yet).

    Raises ``ImportFileError`` when the file cannot be read as a ledger. Reading and checking
    run outside any transaction (on SQLite a transaction holds the one write lock); only the
    short writes are in one."""
    _require(by, school)
    ensure_standard_categories(school)  # a school's first import finds the national classes
    remembered = remembered_mapping(school)
    sheets = read_workbook(file)
    sheet = read_ledger(sheets=sheets, remembered=remembered)
    original = name or PurePath(getattr(file, "name", "") or "ledger").name
    imp = AssetImport(
        school=school,
        original_name=original[:200],
        sheet_name=sheet.name,
        header_row=sheet.header_row,
        headers=sheet.headers,
        mapping=suggest_mapping(sheet.headers, remembered),
        new_names=_file_facts(sheet),
        total_rows=len(sheet.rows),
        created_by=by,
    )
    if hasattr(file, "seek"):
        file.seek(0)
    imp.file.save(original, file, save=False)
    keep_rows(imp.file.storage, imp.file.name, sheets)
    imp.save()
    return imp


FILE_FACTS = ("examples", "sheets")


def _file_facts(sheet: LedgerSheet) -> dict:
    """What the mapping page shows of the file (kept with the new names)."""
    return {"examples": examples(sheet), "sheets": sheet.sheet_names}


def _editable(imp: AssetImport) -> None:
    if imp.status not in EDITABLE:
        raise Conflict(_("This import has started; upload the file again to change it."))


def choose_sheet(imp: AssetImport, *, by, sheet_name: str = "", header_row: int | None = None):
    """Read the file again from another sheet or header row, and propose a new mapping."""
    school = _school(imp)
    _require(by, school)
    _editable(imp)
    remembered = remembered_mapping(school)
    imp.sheet_name, imp.header_row = sheet_name or imp.sheet_name, header_row
    sheet = _read(imp, remembered)
    imp.sheet_name, imp.header_row, imp.headers = sheet.name, sheet.header_row, sheet.headers
    imp.mapping = suggest_mapping(sheet.headers, remembered)
    imp.total_rows = len(sheet.rows)
    imp.status = ImportStatus.UPLOADED
    imp.errors, imp.error_count, imp.new_names = [], 0, _file_facts(sheet)
    imp.save()
    return imp


def clean_mapping(imp: AssetImport, mapping: dict) -> dict[str, str]:
    """Column index → field, checked: known columns and fields, each field once, the required
    ones there. Raises ``ValidationError`` with every problem."""
    cleaned: dict[str, str] = {}
    problems = []
    seen: dict[str, int] = {}
    for index, field in mapping.items():
        if not field:
            continue
        if field not in FIELDS_BY_KEY or not str(index).isdigit() or int(index) >= len(imp.headers):
            problems.append(_("Unknown column or field."))
            continue
        if field in seen:
            problems.append(
                _("“%(field)s” is chosen for two columns: %(a)s and %(b)s.")
                % {
                    "field": FIELDS_BY_KEY[field].header,
                    "a": imp.headers[seen[field]] or seen[field] + 1,
                    "b": imp.headers[int(index)] or int(index) + 1,
                }
            )
            continue
        seen[field] = int(index)
        cleaned[str(int(index))] = field
    problems += missing_required(cleaned)
    if problems:
        raise ValidationError(problems)
    return cleaned


def choose_columns(imp: AssetImport, *, by, mapping: dict) -> LedgerCheck:
    """Save the column mapping and check every row (the preview)."""
    school = _school(imp)
    _require(by, school)
    _editable(imp)
    cleaned = clean_mapping(imp, mapping)
    AssetImport.objects.filter(pk=imp.pk).update(mapping=cleaned)
    imp.mapping = cleaned
    return check_import(imp, by=by)


def _errors_json(errors: list[RowError]) -> list[dict]:
    return [
        {"row": e.row, "column": e.column, "value": e.value[:100], "message": str(e.message)}
        for e in errors[:MAX_STORED_ERRORS]
    ]


def _check(imp: AssetImport, school, progress=None) -> LedgerCheck:
    sheet = _read(imp)
    checker = LedgerChecker(school, imp.mapping, imp.new_names, progress=progress)
    return checker.check(sheet)


def check_import(imp: AssetImport, *, by) -> LedgerCheck:
    """Check every row under the saved mapping; store the errors and the new names."""
    school = _school(imp)
    _require(by, school)
    _editable(imp)
    check = _check(imp, school)
    imp.total_rows = len(check.sheet.rows)
    imp.errors = _errors_json(check.errors)
    imp.error_count = len(check.errors)
    kept = {k: v for k, v in (imp.new_names or {}).items() if k in FILE_FACTS}
    imp.new_names = {**check.names_json(), **kept}
    imp.status = ImportStatus.INVALID if check.errors else ImportStatus.CHECKED
    imp.message = ""
    imp.save()
    return check


@transaction.atomic
def resolve_names(
    imp: AssetImport, *, by, rooms: dict | None = None, departments: dict | None = None
):
    """The clerk's choice for each place and department the school lacks: an existing room or
    department (by id), or None to create it in the import."""
    school = _school(imp)
    _require(by, school)
    _editable(imp)
    names = dict(imp.new_names or {})
    known_rooms = names.get("rooms", {})
    known_departments = names.get("departments", {})
    room_ids = {pk for pk in (rooms or {}).values() if pk}
    valid_rooms = set(
        Room.objects.filter(school=school, pk__in=room_ids).values_list("pk", flat=True)
    )
    for text, room_id in (rooms or {}).items():
        if text not in known_rooms:
            continue
        if room_id and room_id not in valid_rooms:
            raise DomainError(_("Choose a place of this school."))
        known_rooms[text]["room"] = room_id or None
    department_ids = {pk for pk in (departments or {}).values() if pk}
    valid_departments = set(
        Department.objects.filter(school=school, pk__in=department_ids).values_list("pk", flat=True)
    )
    for name, department_id in (departments or {}).items():
        if name not in known_departments:
            continue
        if department_id and department_id not in valid_departments:
            raise DomainError(_("Choose a department of this school."))
        known_departments[name]["department"] = department_id or None
    imp.new_names = names
    imp.save(update_fields=["new_names", "updated_at"])
    return imp


def start_import(imp: AssetImport, *, by) -> AssetImport:
    """Queue a checked import (or run it at once when it is small)."""
    school = _school(imp)
    _require(by, school)
    if imp.status == ImportStatus.INVALID:
        raise DomainError(_("Fix the errors in the file and upload it again first."))
    with transaction.atomic():
        started = AssetImport.objects.filter(pk=imp.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.QUEUED, message="", updated_at=timezone.now()
        )
        if not started:
            raise Conflict(_("This import was started already, or is not checked yet."))
        set_progress(imp.pk, phase="queued", done=0)
        if imp.total_rows >= INLINE_ROWS:
            from .tasks import run_asset_import_task

            transaction.on_commit(partial(run_asset_import_task.enqueue, imp.pk, by.pk))
    if imp.total_rows < INLINE_ROWS:
        return run_import(imp.pk, by.pk)
    imp.refresh_from_db()
    return imp


def _remember_mapping(imp: AssetImport, school, by) -> None:
    headers = dict(remembered_mapping(school))
    chosen = {int(i): key for i, key in imp.mapping.items()}
    for index, header in enumerate(imp.headers):
        key = normalize_header(header)
        if key:
            headers[key] = chosen.get(index, "")
    ImportMapping.objects.update_or_create(
        school=school, defaults={"headers": headers, "updated_by": by}
    )


def _fail(imp_pk: int, status: str, message, errors: list[RowError] = ()) -> AssetImport:
    AssetImport.objects.filter(pk=imp_pk).update(
        status=status,
        message=str(message)[:300],
        errors=_errors_json(list(errors)),
        error_count=len(errors),
        processed_rows=0,
        finished_at=timezone.now(),
    )
    cache.delete(PROGRESS_KEY.format(pk=imp_pk))
    return AssetImport.objects.get(pk=imp_pk)


def run_import(import_id: int, user_id: int) -> AssetImport:
    """Check the file again and write every row in one transaction, or nothing at all.

    The body of the background task; safe to call twice (only a queued import runs)."""
    claimed = AssetImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0
    )
    imp = AssetImport.objects.get(pk=import_id)
    if not claimed:
        return imp
    try:
        return _run(imp, User.objects.get(pk=user_id))
    except Exception:
        # A bug, not a bad file: the import must not stay "running" for ever.
        logger.exception("asset import %s crashed", imp.pk)
        _fail(imp.pk, ImportStatus.FAILED, _("The import stopped on an unexpected error. "
                                              "Nothing was written."))  # fmt: skip
        raise


def _run(imp: AssetImport, by) -> AssetImport:
    school = _school(imp)
    try:
        _require(by, school)
        set_progress(imp.pk, phase="checking", done=0)
        check = _check(
            imp, school, progress=lambda n: set_progress(imp.pk, phase="checking", done=n)
        )
    except (DomainError, OSError) as exc:
        return _fail(imp.pk, ImportStatus.FAILED, getattr(exc, "message", exc))
    if check.errors:
        # The register changed since the preview (e.g. a number was taken meanwhile).
        return _fail(
            imp.pk,
            ImportStatus.INVALID,
            _("Nothing was written: the file has errors now."),
            check.errors,
        )
    reason = gettext("Imported from %(file)s") % {"file": imp.original_name}
    try:
        with transaction.atomic():
            ids = write_assets(
                check,
                school=school,
                by=by,
                reason=reason[:100],
                progress=lambda n: set_progress(imp.pk, phase="writing", done=n),
            )
            imp.status = ImportStatus.DONE
            imp.created_count = len(ids)
            imp.processed_rows = len(ids)
            imp.total_rows = len(check.sheet.rows)
            imp.errors, imp.error_count = [], 0
            imp.message = ""
            imp.finished_at = timezone.now()
            imp.save()
            _remember_mapping(imp, school, by)
            timeline.record(
                imp,
                by=by,
                kind=timeline.Kind.EVENT,
                text=gettext("Imported %(count)d assets from %(file)s")
                % {"count": len(ids), "file": imp.original_name},
                data={"assets": len(ids), "first_id": min(ids, default=None)},
            )
    except (IntegrityError, ValidationError, DomainError, DatabaseError) as exc:
        logger.warning("asset import %s failed: %s", imp.pk, exc)
        message = getattr(exc, "message", None) or _(
            "The register changed while importing (for example a number was taken meanwhile). "
            "Nothing was written; check the file again."
        )
        return _fail(imp.pk, ImportStatus.FAILED, message)
    cache.delete(PROGRESS_KEY.format(pk=imp.pk))
    drop_rows(imp.file.storage, imp.file.name)  # the file itself stays with the import
    if imp.total_rows >= INLINE_ROWS:
        _tell(imp, by)
    return imp


def _tell(imp: AssetImport, by) -> None:
    try:
        url = reverse("assets:import_detail", args=[imp.pk])
    except Exception:  # noqa: BLE001 - the page may not be wired in every setup
        url = ""
    notify(
        recipients=[by],
        title=gettext("Ledger imported: %(count)d assets from %(file)s")
        % {"count": imp.created_count, "file": imp.original_name},
        url=url,
        category="assets",
        school=imp.school_id,
        source=imp,
    )


def error_report(imp: AssetImport, *, by) -> bytes:
    """The uploaded sheet with every bad cell marked, and a list of every error (core's
    error report), from checking the file again."""
    school = _school(imp)
    _require(by, school)
    check = _check(imp, school)
    sheet = check.sheet
    result = ImportResult(
        errors=check.errors,
        sheet=Sheet(
            name=sheet.name,
            header_row=sheet.header_row,
            header_cells=sheet.headers,
            column_index={key: index for index, key in check.mapping.items()},
            rows=[],
            raw_rows=sheet.raw_rows,
        ),
    )
    return error_report_xlsx(result)
