"""Walk every URL pattern (pages and API) as every role of school A, and anonymously.

- No object of school B is reachable: URLs naming a school-B object answer 403/404/405 to
  every role of school A, for GET and POST, and the object is unchanged afterwards.
- No page or API list of school A shows school B's data (school B's records carry a marker
  that must not appear in any response, exports included).
- Anonymous users reach only the login pages and the public surfaces of SPEC §2.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from houqin import factories as f
from houqin.core.tests import tenancy_records
from houqin.org import models as org
from houqin.org.roles import Role

MARKER = "乙校专属"
# URL names anonymous users may reach (login pages; public surfaces of SPEC §2 as they come).
PUBLIC = {
    "maintenance:public_report",
    "maintenance:public_thanks",
    "maintenance:public_asset_report",
    "maintenance:public_asset_thanks",
    # An asset's label: staff of its school see the asset, anyone else the public report form.
    "assets:asset_qr",
    # A place's hazard QR form (SPEC §2): anyone who scans it may report a hazard there.
    "safety:hazard_public_report",
    "safety:hazard_public_thanks",
    "login",
    "admin:login",
    "set_language",
    "api:token",
    "api:schema",
    "api:docs",
    "javascript-catalog",
}
# Views whose object type the walk cannot read off the view class, by URL-name prefix.
PARAM_MODELS = {
    "approval_": "core.ApprovalFlow",
    "attachment_": "core.Attachment",
    "notification_": "core.Notification",
    "maintenance:workorder_": "maintenance.WorkOrder",
    "maintenance:plan_": "maintenance.MaintenancePlan",
    "assets:asset_": "assets.Asset",
    "assets:import_": "assets.AssetImport",
    "assets:disposal_": "assets.Disposal",
    "assets:damage_": "assets.DamageRecord",
    "purchasing:request_": "purchasing.PurchaseRequest",
    "purchasing:budget_": "purchasing.Budget",
    "purchasing:order_": "purchasing.PurchaseOrder",
    "purchasing:receipt_": "purchasing.Receipt",
    "stores:count_": "stores.StockCount",
    "stores:requisition_": "stores.Requisition",
    "stores:quota_": "stores.RequisitionQuota",
    "safety:hazard_": "safety.Hazard",
    "safety:inspection_template_": "safety.InspectionTemplate",
    "safety:inspection_schedule_": "safety.InspectionSchedule",
    "safety:inspection_round_": "safety.InspectionRound",
    "safety:inspection_walk": "safety.InspectionRound",
    "safety:inspection_stop": "safety.InspectionRound",  # plus ``room``: a school-B room
    "safety:inspection_complete": "safety.InspectionRound",
    "safety:inspection_second_sign": "safety.InspectionRound",
    "safety:equipment_": "safety.SafetyEquipment",
    "safety:document_": "safety.SafetyDocument",
    "safety:drill_": "safety.Drill",
    "safety:drillfinding_": "safety.DrillFinding",
    "canteen:meal_": "canteen.Meal",
    "canteen:sample_": "canteen.FoodSample",
    "canteen:duty_": "canteen.DutyRecord",
    "canteen:dispenser_": "canteen.Dispenser",
    "canteen:watertest_": "canteen.WaterTest",
    "canteen:handler_": "canteen.FoodHandler",
    "canteen:goods_": "canteen.GoodsCheck",
    "canteen:licence_": "canteen.SupplierLicence",
    "canteen:contract_": "canteen.WaterContract",
    "canteen:campaign_": "canteen.EducationCampaign",
    "canteen:dish_": "canteen.Dish",
    "hygiene:area_": "hygiene.HygieneArea",
    "hygiene:item_": "hygiene.ScoreItem",
    "hygiene:sheet_": "hygiene.ScoreSheet",
    "hygiene:inspect_class": "org.SchoolClass",
    "hygiene:plot_": "hygiene.GreenPlot",
    "hygiene:plant_": "hygiene.Plant",
    "hygiene:task_": "hygiene.CareTask",
}
# Parameters with fixed sample values (not object ids).
FIXED = {
    "format": "json",
    "kind": "places",
    "lang": "zh-hans",
    "doc_type": "testdocs.samplerequest",
    "action": "cancel",
    # A compliance rule is national, not a school's row: its pages show the acting school's
    # figure, so they are walked as pages (no school-B object to substitute).
    "key": "safety.drill_months",
}


def walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def params_of(pattern: URLPattern) -> list[str]:
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def model_of(pattern: URLPattern, name: str = ""):
    from django.apps import apps

    for prefix, label in PARAM_MODELS.items():
        if name.startswith(prefix):
            return apps.get_model(label)
    cb = pattern.callback
    for holder in (getattr(cb, "view_class", None), getattr(cb, "cls", None)):
        if holder is None:
            continue
        model = getattr(holder, "model", None)
        if model is None and getattr(holder, "queryset", None) is not None:
            model = holder.queryset.model
        if model is not None:
            return model
    return None


def all_routes():
    seen = set()
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name != "admin:login":
            continue  # the admin is for superusers only and checks is_staff itself
        key = (name, tuple(params_of(pattern)))
        if key not in seen:
            seen.add(key)
            yield name, pattern


@pytest.fixture
def two_schools(db):
    a = f.SchoolFactory(code="a", name="甲中学")
    b = f.SchoolFactory(code="b", name=f"{MARKER}乙中学")
    objects = {}
    for school, tag in ((a, "甲"), (b, MARKER)):
        room = f.RoomFactory(
            floor__building__campus__school=school,
            floor__building__campus__name=f"{tag}校区",
            floor__building__name=f"{tag}楼",
            name=f"{tag}教室",
        )
        dept = f.DepartmentFactory(school=school, name=f"{tag}处")
        company = f.CompanyFactory(school=school, name=f"{tag}物业")
        klass = f.SchoolClassFactory(school=school)
        year = org.AcademicYear.objects.create(
            school=school, name=f"{tag}2026", start_date="2026-09-01", end_date="2027-08-31"
        )
        term = org.Term.objects.create(
            school=school,
            year=year,
            number=1,
            name=f"{tag}学期",
            start_date="2026-09-01",
            end_date="2027-01-24",
        )
        holiday = org.Holiday.objects.create(
            school=school, name=f"{tag}假期", start_date="2026-10-01", end_date="2026-10-07"
        )
        person = f.member(
            school, "staff", department=dept, full_name=f"{tag}老师", username=f"p-{school.code}"
        )
        extra = _documents(school, room, person, tag)
        objects[school.code] = {
            **{type(obj): obj for obj in extra},
            org.School: school,
            org.Room: room,
            org.Floor: room.floor,
            org.Building: room.floor.building,
            org.Campus: room.floor.building.campus,
            org.Department: dept,
            org.Company: company,
            org.SchoolClass: klass,
            org.AcademicYear: year,
            org.Term: term,
            org.Holiday: holiday,
            org.Membership: person.memberships.get(),
            org.User: person,
        }
    users = {role: f.member(a, role, username=f"a-{role}") for role in Role.values}
    return a, b, objects, users


def _documents(school, room, person, tag):
    """Per-school records of core and the modules: an approval flow, a timeline attachment, a
    notification, a delegation, a notification channel, a repair category, a work order and a
    maintenance plan."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from houqin.core import notify, timeline
    from houqin.core.models import Delegation, SchoolChannel
    from houqin.testdocs import testing

    people = testing.make_people(school, prefix=f"doc{school.code}-")
    testing.purchase_policy(school)
    request, flow = testing.submitted(people, "800", title=f"{tag}采购")
    entry = timeline.attach(
        room,
        by=person,
        files=[SimpleUploadedFile(f"{tag}.txt", f"{tag} note".encode(), "text/plain")],
    )
    note = notify.notify(recipients=[person], title=f"{tag}通知", school=school)[0]
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        school=school,
        from_user=people.head,
        to_user=person,
        start_date=today,
        end_date=today,
        note=f"{tag}代批",
    )
    channel = SchoolChannel.objects.create(
        school=school,
        name=f"{tag}群",
        kind="wecom",
        webhook_url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-{school.code}",
    )
    from houqin.maintenance import services as repairs

    category = repairs.ensure_categories(school)[0]
    order = repairs.report(
        school=school, by=person, room=room, category=category, description=f"{tag}漏水"
    )
    from houqin.maintenance.models import MaintenancePlan

    plan = MaintenancePlan.objects.create(
        school=school, name=f"{tag}空调清洗", category=category, room_types=["office"],
        starts_on=today,
    )
    return (
        flow, entry.attachments.get(), note, delegation, channel, category, order, plan,
        *_asset_documents(school, room, person, tag),
        *_purchasing_documents(school, person, tag),
        *_stores_documents(school, person, tag),
        *tenancy_records.safety_records(school, room, person, tag),
        *tenancy_records.canteen_records(school, person, tag),
        *tenancy_records.hygiene_records(school, room, person, tag),
    )


def _asset_documents(school, room, person, tag):
    """One record of each kind of the assets module, made directly (the walk needs rows, not
    workflows): a category, an asset, a loan, a movement, an import, a stock-take and its line,
    a disposal and its line, a damage record, a depreciation run."""
    from datetime import date

    from django.db import transaction

    from houqin.assets import models as assets

    category = assets.AssetCategory.objects.create(
        school=school, code=f"X{school.code}", name=f"{tag}类别", useful_life_years=6
    )
    asset = assets.Asset.objects.create(
        school=school, number=f"{tag}-0001", name=f"{tag}电脑", category=category, room=room,
        total_value=5000, unit_price=5000,
    )
    loan = assets.AssetLoan.objects.create(
        school=school, asset=asset, borrower=person, due_on=date(2099, 1, 1)
    )
    movement = assets.AssetMovement.objects.create(
        school=school, asset=asset, to_room=room, note=f"{tag}调拨"
    )
    upload = assets.AssetImport.objects.create(
        school=school, file=f"asset-imports/{school.code}.csv", original_name=f"{tag}台账.csv",
        created_by=person,
    )
    with transaction.atomic():
        take = assets.StockTake(school=school, name=f"{tag}盘点", started_by=person)
        take.assign_number()
        take.save()
        disposal = assets.Disposal(school=school, reason=f"{tag}报废", requested_by=person)
        disposal.assign_number()
        disposal.save()
        damage = assets.DamageRecord(
            school=school, asset=asset, description=f"{tag}损坏", recorded_by=person
        )
        damage.assign_number()
        damage.save()
    item = assets.StockTakeItem.objects.create(
        school=school, stocktake=take, asset=asset, expected_room=room
    )
    line = assets.DisposalLine.objects.create(
        school=school, disposal=disposal, asset=asset, quantity=1, original_value=5000
    )
    run = assets.DepreciationRun.objects.create(school=school, period=date(2026, 1, 1))
    return category, asset, loan, movement, upload, take, item, disposal, line, damage, run


def _purchasing_documents(school, person, tag):
    """One record of each kind of the purchasing module, made directly: a budget category and
    budget, a request with a line and a quote, an order with a line, a receipt with a line."""
    from datetime import date

    from django.db import transaction

    from houqin.purchasing import models as buying

    department = person.memberships.get().department
    vendor = f.CompanyFactory(school=school, name=f"{tag}文具店")
    category = buying.BudgetCategory.objects.create(school=school, name=f"{tag}办公用品")
    budget = buying.Budget.objects.create(
        school=school, year=2026, department=department, category=category, amount=1000
    )
    with transaction.atomic():
        request = buying.PurchaseRequest(
            school=school, department=department, requested_by=person, title=f"{tag}采购",
            reason=f"{tag}需要", budget_category=category, status="approved",
        )
        request.assign_number()
        request.save()
        order = buying.PurchaseOrder(school=school, vendor=vendor, buyer=person, status="placed")
        order.assign_number()
        order.save()
        line = buying.PurchaseRequestLine.objects.create(
            school=school, request=request, description=f"{tag}打印纸", kind="service",
            quantity=2, unit="箱", estimated_price=100, ordered_quantity=2,
        )
        quote = buying.Quote.objects.create(
            school=school, request=request, vendor=vendor, amount=200,
            quoted_on=date(2026, 9, 1), recorded_by=person,
        )
        order_line = buying.PurchaseOrderLine.objects.create(
            school=school, order=order, request_line=line, quantity=2, unit_price=100
        )
        receipt = buying.Receipt(
            school=school, order=order, received_on=date(2026, 9, 2), recorded_by=person
        )
        receipt.assign_number()
        receipt.save()
        receipt_line = buying.ReceiptLine.objects.create(
            school=school, receipt=receipt, order_line=order_line, quantity=1
        )
    return (
        vendor, category, budget, request, line, quote, order, order_line, receipt, receipt_line,
    )


def _stores_documents(school, person, tag):
    """One record of each kind of the stores module: a store, a category, an item with stock
    (a receipt in the ledger), a stock count, a requisition, a quota, a print job and a print quota."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from houqin.stores import ledger, services_counts, services_requisitions
    from houqin.stores.models import Item, ItemCategory, StockBalance, Store
    from houqin.stores.models.printing import PrintJob, PrintQuota
    from houqin.stores.models.requisitions import RequisitionQuota

    keeper = f.member(school, "keeper", username=f"keeper-{school.code}")
    store = Store.objects.create(school=school, name=f"{tag}仓库", is_default=True)
    category = ItemCategory.objects.create(school=school, name=f"{tag}办公用品")
    item = Item.objects.create(
        school=school, code=f"{tag}-1", name=f"{tag}签字笔", unit="支", category=category
    )
    move = ledger.receive(item=item, store=store, quantity=5, unit_cost="1.00", by=keeper)
    count = services_counts.start(store=store, by=keeper, note=f"{tag}盘点")
    department = person.memberships.get().department
    requisition = services_requisitions.create(
        by=person, department=department, purpose=f"{tag}领用", lines=[(item, 1)],
        submit_now=True,
    )
    quota = RequisitionQuota.objects.create(
        school=school, department=department, item=item, quantity=5,
        term=org.Term.objects.get(school=school), note=f"{tag}限额",
    )
    balance = StockBalance.objects.get(item=item, store=store)
    with transaction.atomic():
        job = PrintJob(
            school=school, department=department, requester=person, title=f"{tag}试卷",
            pages=2, copies=40, needed_by=timezone.now() + timedelta(days=1), status="queued",
        )
        job.assign_number()
        job.save()
    print_quota = PrintQuota.objects.create(
        school=school, department=department, term=org.Term.objects.get(school=school),
        pages=100, note=f"{tag}额度",
    )
    return (store, category, item, move, balance, count, requisition, quota, job, print_quota)


def sample_kwargs(pattern, obj_by_model, model):
    """kwargs for reversing ``pattern`` naming school-B objects; None when not derivable."""
    kwargs = {}
    for param in params_of(pattern):
        if param in FIXED:
            kwargs[param] = FIXED[param]
        elif param in ("app_label", "model"):
            room = obj_by_model[org.Room]
            kwargs[param] = room._meta.app_label if param == "app_label" else room._meta.model_name
        elif param in ("pk", "id", "object_id"):
            target = model or org.Room
            obj = obj_by_model.get(target)
            if obj is None:
                return None
            kwargs[param] = obj.pk
        elif param == "room":
            kwargs[param] = obj_by_model[org.Room].pk
        elif param == "token" or param.endswith("_token"):
            kwargs[param] = obj_by_model[org.Room].qr_token
        else:
            return None
    return kwargs


# The walks take minutes: each runs in three parts (every third role), which the test
# workers share.
ROLE_PARTS = [tuple(Role.values[i::3]) for i in range(3)]


@pytest.mark.parametrize("roles", ROLE_PARTS, ids=["part1", "part2", "part3"])
def test_no_object_of_another_school_is_reachable_by_any_role(client, two_schools, roles):
    a, b, objects, users = two_schools
    users = {role: users[role] for role in roles}
    client.raise_request_exception = False  # a crash is reported with the others, as a 500
    checked, problems = 0, []
    for name, pattern in all_routes():
        params = params_of(pattern)
        if name in PUBLIC or not [p for p in params if p not in FIXED]:
            continue
        model = model_of(pattern, name)
        if "pk" in params and "model" not in params:
            assert model is not None, f"{name}: add its model to PARAM_MODELS so the walk covers it"
        kwargs = sample_kwargs(pattern, objects["b"], model)
        assert kwargs is not None, f"{name}: the walk cannot build its parameters {params}"
        url = reverse(name, kwargs=kwargs)
        target = objects["b"].get(model or org.Room)
        for role, user in users.items():
            client.force_login(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code not in (403, 404, 405):
                    problems.append(
                        f"{role} {method.upper()} {url} ({name}) answered {response.status_code}"
                    )
            if target is not None and not type(target).objects.filter(pk=target.pk).exists():
                problems.append(f"{url} deleted {target}")
            checked += 1
    assert checked > 0
    assert not problems, "\n".join(problems)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("roles", ROLE_PARTS, ids=["part1", "part2", "part3"])
def test_no_list_or_page_shows_another_schools_data(client, two_schools, roles):
    a, b, objects, users = two_schools
    users = {role: users[role] for role in roles}
    pages = [(n, p) for n, p in all_routes() if not [x for x in params_of(p) if x not in FIXED]]
    assert pages
    client.raise_request_exception = False  # a crash is reported with the others, as a 500
    problems = []
    for role, user in users.items():
        client.force_login(user)
        for name, pattern in pages:
            kwargs = {k: FIXED[k] for k in params_of(pattern)}
            url = reverse(name, kwargs=kwargs)
            for query in ("", "?export=csv"):
                response = client.get(url + query)
                if response.status_code >= 500:
                    problems.append(f"{role} GET {url}{query} ({name}) crashed")
                elif response.status_code < 300 and MARKER in _body(response):
                    problems.append(f"{role} sees school B data at {url}{query}")
    assert not problems, "\n".join(problems)


def test_anonymous_users_reach_only_the_login_and_public_pages(client, two_schools):
    a, b, objects, users = two_schools
    for name, pattern in all_routes():
        kwargs = sample_kwargs(pattern, objects["a"], model_of(pattern, name))
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if name in PUBLIC:
            continue
        location = response.headers.get("Location", "")
        assert response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and re.search(r"/(admin/)?login/", location)
        ), f"anonymous GET {url} ({name}) answered {response.status_code} {location}"
