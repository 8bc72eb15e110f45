"""Historic write-offs (历史核销): a disposal approved in the past, recorded for many assets at
once, all or nothing, without the approval engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from houqin.assets import services_disposal as disposals
from houqin.assets import services_writeoff as writeoff
from houqin.assets.models import Asset, AssetStatus, Disposal, DisposalLine, DisposalStatus
from houqin.core.errors import Conflict, DomainError, PermissionDenied
from houqin.core.models import ApprovalFlow, TimelineEntry
from houqin.core.timeline import entries_for

from .factories import AssetFactory
from .test_disposal_flow import draft, make_people

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate() - timedelta(days=365)


@pytest.fixture
def people(school):
    return make_people(school)


def write_off(people, *, by=None, **kw):
    kw.setdefault("approval_reference", "甬教装〔2024〕15号")
    kw.setdefault("disposed_on", LAST_YEAR)
    kw.setdefault("reason", "2024年度报废资产核销")
    return writeoff.write_off(by=by or people.clerk, school=people.school, **kw)


def test_a_pasted_list_writes_off_every_asset_with_history(people):
    assets = [AssetFactory(school=people.school) for _ in range(5)]
    pasted = "\n".join(a.number for a in assets[:3]) + f"\n{assets[3].number}, {assets[4].number}"

    disposal = write_off(people, numbers=disposals.parse_numbers(pasted))

    assert disposal.is_historic and disposal.status == DisposalStatus.DISPOSED
    assert disposal.disposed_on == LAST_YEAR
    assert disposal.approval_reference == "甬教装〔2024〕15号"
    assert disposal.total_value == sum(a.total_value for a in assets)
    assert disposal.lines.count() == 5
    assert not ApprovalFlow.objects.exists()  # no approval engine
    for asset in Asset.objects.filter(pk__in=[a.pk for a in assets]):
        assert asset.status == AssetStatus.DISPOSED and asset.disposed_on == LAST_YEAR
        assert asset.history.count() == 2  # created, written off
        assert entries_for(asset).last().to_state == AssetStatus.DISPOSED
    assert "5" in entries_for(disposal).get().text


def test_an_unknown_number_writes_nothing_and_is_named(people):
    known = AssetFactory(school=people.school)
    with pytest.raises(DomainError, match="ZC-NOPE-1、ZC-NOPE-2") as refused:
        write_off(people, numbers=[known.number, "ZC-NOPE-1", "ZC-NOPE-2"])
    assert refused.value.code == "UnknownNumbers"
    assert not Disposal.objects.exists()
    assert Asset.objects.get(pk=known.pk).status == AssetStatus.IN_USE


def test_another_schools_number_counts_as_unknown(people, other_school):
    theirs = AssetFactory(school=other_school)
    with pytest.raises(DomainError, match=theirs.number):
        write_off(people, numbers=[theirs.number])
    assert Asset.objects.get(pk=theirs.pk).status == AssetStatus.IN_USE


def test_an_asset_already_disposed_or_on_an_open_request_refuses_the_whole_write_off(people):
    fine = AssetFactory(school=people.school)
    gone = AssetFactory(school=people.school, status=AssetStatus.DISPOSED)
    with pytest.raises(DomainError, match=gone.number):
        write_off(people, numbers=[fine.number, gone.number])

    requested = AssetFactory(school=people.school, custodian=people.teacher)
    draft(people, requested)
    with pytest.raises(Conflict, match=requested.number):
        write_off(people, numbers=[fine.number, requested.number])
    assert Asset.objects.get(pk=fine.pk).status == AssetStatus.IN_USE
    assert Disposal.objects.filter(is_historic=True).count() == 0


def test_the_approving_document_and_a_past_date_are_required(people):
    asset = AssetFactory(school=people.school)
    with pytest.raises(DomainError):
        write_off(people, numbers=[asset.number], approval_reference=" ")
    with pytest.raises(DomainError):
        write_off(
            people, numbers=[asset.number], disposed_on=timezone.localdate() + timedelta(days=1)
        )
    assert not Disposal.objects.exists()


def test_only_holders_of_the_write_off_right_may_record_one(people):
    asset = AssetFactory(school=people.school, custodian=people.teacher)
    for who in (people.teacher, people.head, people.principal):
        with pytest.raises(PermissionDenied):
            write_off(people, by=who, numbers=[asset.number])
    assert write_off(people, by=people.director, numbers=[asset.number]).lines.count() == 1


def test_a_filtered_selection_of_the_register_is_written_off(people):
    old = [AssetFactory(school=people.school, unit="台", brand="老品牌") for _ in range(3)]
    keep = AssetFactory(school=people.school, brand="新品牌")
    selection = Asset.objects.filter(school=people.school, brand="老品牌")

    disposal = write_off(people, assets=selection)

    assert set(disposal.lines.values_list("asset_id", flat=True)) == {a.pk for a in old}
    assert Asset.objects.get(pk=keep.pk).status == AssetStatus.IN_USE


def test_two_thousand_assets_are_written_off_set_based_not_one_by_one(
    people, django_assert_max_num_queries
):
    category = AssetFactory(school=people.school).category
    Asset.objects.bulk_create(
        [
            Asset(
                school=people.school,
                category=category,
                number=f"LS{i:06d}",
                name="课桌椅",
                unit_price=Decimal("100"),
                total_value=Decimal("100"),
            )
            for i in range(2000)
        ]
    )
    numbers = [f"LS{i:06d}" for i in range(2000)]

    # No query per asset: the lines, timeline and history rows are copied by the database.
    with django_assert_max_num_queries(40):
        disposal = write_off(people, numbers=numbers)

    assert disposal.lines.count() == 2000
    assert disposal.total_value == Decimal("200000")
    assert Asset.objects.filter(status=AssetStatus.DISPOSED).count() == 2000
    assert DisposalLine.objects.count() == 2000
    assert TimelineEntry.objects.filter(to_state=AssetStatus.DISPOSED).count() == 2001
