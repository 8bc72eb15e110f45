"""Running an import: numbers for blank cells, a "created" history row per asset, one timeline
entry, the background task with its progress, and all-or-nothing when something fails."""

import pytest
from django.core.cache import cache

from houqin.assets.ledger_import import services, writing
from houqin.assets.ledger_import.tasks import run_asset_import_task
from houqin.assets.models import Asset, AssetImport, AssetSettings, ImportStatus
from houqin.assets.tests.factories import AssetFactory
from houqin.core.errors import Conflict, PermissionDenied
from houqin.core.models import TimelineEntry
from houqin.core.numbering import current_year
from houqin.factories import RoomFactory
from houqin.org.models import Room

from .test_import_support import (  # noqa: F401 - the fixtures are used by name
    categories_fixture,
    check,
    clerk_fixture,
    csv_file,
    import_all,
    media_root_fixture,
    row,
    upload,
    upload_and_import,
)

pytestmark = pytest.mark.django_db


def test_blank_numbers_get_the_schools_next_numbers_in_one_run(school, clerk):
    AssetSettings.objects.update_or_create(school=school, defaults={"number_prefix": "GD"})
    rows = [row(资产编号=""), row(资产编号="OWN-1"), row(资产编号=""), row(资产编号="")]
    upload_and_import(school, clerk, csv_file(rows))
    year = current_year(school)
    numbers = list(
        Asset.objects.filter(school=school).order_by("pk").values_list("number", flat=True)
    )
    assert numbers == [f"GD{year}000001", "OWN-1", f"GD{year}000002", f"GD{year}000003"]


def test_generated_numbers_skip_numbers_the_file_already_uses(school, clerk):
    year = current_year(school)
    rows = [row(资产编号=""), row(资产编号=f"ZC{year}000001")]
    upload_and_import(school, clerk, csv_file(rows))
    assert sorted(Asset.objects.values_list("number", flat=True)) == [
        f"ZC{year}000001",
        f"ZC{year}000002",
    ]


def test_each_asset_has_its_created_history_row_and_the_import_one_timeline_entry(school, clerk):
    imp = upload_and_import(school, clerk, csv_file([row(资产编号="H-1"), row(资产编号="H-2")]))
    history = Asset.history.filter(school=school)
    assert history.count() == 2
    first = history.get(number="H-1")
    assert (first.history_type, first.history_user, first.name) == ("+", clerk, "台式计算机")
    assert first.history_change_reason == "Imported from 台账.csv"
    assert first.instance.pk == Asset.objects.get(number="H-1").pk
    entries = TimelineEntry.objects.filter(object_id=imp.pk, content_type__model="assetimport")
    assert [e.text for e in entries] == ["Imported 2 assets from 台账.csv"]
    assert not TimelineEntry.objects.filter(content_type__model="asset").exists()


def test_the_portable_orm_path_writes_the_same_assets_and_history(school, clerk, monkeypatch):
    monkeypatch.setattr(writing, "FAST_VENDORS", ())
    upload_and_import(school, clerk, csv_file([row(资产编号="O-1"), row(资产编号="")]))
    assert Asset.objects.filter(school=school).count() == 2
    assert Asset.history.filter(history_type="+", history_user=clerk).count() == 2


def test_imported_assets_carry_qr_tokens_and_their_registrar(school, clerk):
    upload_and_import(school, clerk, csv_file([row(), row()]))
    tokens = list(Asset.objects.values_list("qr_token", flat=True))
    assert len(set(tokens)) == 2 and all(len(t) == 22 for t in tokens)
    assert set(Asset.objects.values_list("created_by", flat=True)) == {clerk.pk}


def test_another_schools_register_is_untouched(school, other_school, clerk):
    theirs = AssetFactory(school=other_school, number="SAME-1")
    their_room = RoomFactory(
        floor__building__campus__school=other_school, floor__building__name="教学楼", number="301"
    )
    upload_and_import(school, clerk, csv_file([row(资产编号="SAME-1", 存放地点="教学楼/301")]))
    mine = Asset.objects.get(school=school)
    assert mine.number == "SAME-1" and mine.room.school_id == school.pk and mine.room != their_room
    theirs.refresh_from_db()
    assert theirs.school_id == other_school.pk
    assert Asset.objects.filter(school=other_school).count() == 1
    assert Room.objects.filter(school=other_school).count() == 1


def test_only_import_right_holders_may_run_the_services(school, make_member, clerk):
    teacher = make_member(school, "staff", username="t1")
    with pytest.raises(PermissionDenied):
        upload(school, teacher, csv_file([row()]))
    imp = upload(school, clerk, csv_file([row()]))
    check(imp, clerk)
    with pytest.raises(PermissionDenied):
        services.start_import(imp, by=teacher)
    assert not Asset.objects.exists()


def test_an_import_runs_once(school, clerk):
    imp = upload_and_import(school, clerk, csv_file([row()]))
    with pytest.raises(Conflict):
        services.start_import(imp, by=clerk)
    services.run_import(imp.pk, clerk.pk)  # a task delivered twice does nothing
    assert Asset.objects.count() == 1


def test_large_files_run_as_a_background_task_with_progress(
    school, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_ROWS", 3)
    monkeypatch.setattr(writing, "WRITE_BATCH", 2)
    seen = []
    original = services.set_progress

    def spy(pk, *, phase, done):
        original(pk, phase=phase, done=done)
        seen.append((phase, done))
        if phase == "writing":
            imp_now = AssetImport.objects.get(pk=pk)
            seen.append(("percent", services.progress_of(imp_now)["percent"]))

    monkeypatch.setattr(services, "set_progress", spy)
    imp = upload(school, clerk, csv_file([row() for _ in range(5)]))
    check(imp, clerk)
    imp.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = services.start_import(imp, by=clerk)
    assert started.status == ImportStatus.QUEUED and not Asset.objects.exists()
    assert services.progress_of(started)["phase"] == "queued"
    assert len(callbacks) == 1
    callbacks[0]()  # the commit enqueues the task; the test backend runs it at once
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.created_count == 5 and imp.processed_rows == 5
    assert ("writing", 2) in seen and ("writing", 4) in seen and ("writing", 5) in seen
    assert ("percent", 70) in seen  # halfway through writing: the bar's second half
    assert services.progress_of(imp) == {"phase": "done", "done": 5, "percent": 100}
    assert cache.get(services.PROGRESS_KEY.format(pk=imp.pk)) is None


def test_the_task_tells_the_clerk_when_a_large_import_has_finished(school, clerk, monkeypatch):
    from houqin.core.models import Notification

    monkeypatch.setattr(services, "INLINE_ROWS", 2)
    imp = upload(school, clerk, csv_file([row(), row()]))
    check(imp, clerk)
    AssetImport.objects.filter(pk=imp.pk).update(status=ImportStatus.QUEUED)
    assert run_asset_import_task.call(imp.pk, clerk.pk) == ImportStatus.DONE
    note = Notification.objects.get(recipient=clerk)
    assert "2 assets" in note.title


def test_a_number_taken_after_the_preview_fails_the_import_and_writes_nothing(school, clerk):
    imp = upload(
        school,
        clerk,
        csv_file([row(资产编号="LATE-1", 存放地点="新楼/101"), row(资产编号="LATE-2")]),
    )
    check(imp, clerk)
    AssetFactory(school=school, number="LATE-2")  # registered meanwhile by someone else
    imp = import_all(imp, clerk)
    assert imp.status == ImportStatus.INVALID
    assert imp.errors[0]["column"] == "资产编号" and imp.errors[0]["row"] == 3
    assert list(Asset.objects.filter(school=school).values_list("number", flat=True)) == ["LATE-2"]
    assert not Room.objects.filter(school=school).exists()


def test_a_failure_while_writing_leaves_nothing_behind(school, clerk, monkeypatch):
    monkeypatch.setattr(writing, "WRITE_BATCH", 1)
    calls = []
    original = writing._insert

    def fail_on_second_batch(cursor, vendor, table, columns, rows):
        calls.append(table)
        if len(calls) == 2:
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        original(cursor, vendor, table, columns, rows)

    monkeypatch.setattr(writing, "_insert", fail_on_second_batch)
    imp = upload(school, clerk, csv_file([row(存放地点="新楼/101", 使用部门="新部门"), row()]))
    check(imp, clerk)
    imp = import_all(imp, clerk)
    assert imp.status == ImportStatus.FAILED and "Nothing was written" in imp.message
    assert not Asset.objects.exists() and not Asset.history.exists()
    assert not Room.objects.filter(school=school).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_all_or_nothing_on_postgresql(school, clerk, monkeypatch):
    """With real commits: a failure in the last batch rolls back the rooms, departments,
    numbers, assets and history rows written before it."""
    from houqin.core.models import NumberCounter
    from houqin.org.models import Department

    monkeypatch.setattr(writing, "WRITE_BATCH", 2)
    original = writing._insert
    calls = []

    def fail_late(cursor, vendor, table, columns, rows):
        calls.append(table)
        if len(calls) == 2:  # the second batch
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        original(cursor, vendor, table, columns, rows)

    monkeypatch.setattr(writing, "_insert", fail_late)
    rows = [row(存放地点="新楼/101", 使用部门="新部门"), row(), row(), row()]
    imp = upload(school, clerk, csv_file(rows))
    check(imp, clerk)
    imp = import_all(imp, clerk)
    assert imp.status == ImportStatus.FAILED
    assert not Asset.objects.exists() and not Asset.history.exists()
    assert not Room.objects.filter(school=school).exists()
    assert not Department.objects.filter(school=school, name="新部门").exists()
    assert not NumberCounter.objects.filter(school=school, doc_type="assets.asset").exists()

    monkeypatch.setattr(writing, "_insert", original)
    imp = upload(school, clerk, csv_file(rows))
    check(imp, clerk)
    imp = import_all(imp, clerk)
    assert imp.status == ImportStatus.DONE and Asset.objects.count() == 4
    assert Asset.history.count() == 4
