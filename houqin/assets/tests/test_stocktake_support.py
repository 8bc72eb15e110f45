"""A school to count in: places, people and assets shared by the stock-take tests (no tests).

Two buildings: 教学楼 with rooms 301 and 302, 实验楼 with 401. Two computers belong in 301,
one projector in 302, one desk batch in 401. The director and the clerk manage stock-takes,
the keeper scans, a teacher may do neither.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from houqin import factories as f
from houqin.assets import documents_stocktake  # noqa: F401  (registers the doc type)
from houqin.assets import services_stocktake as services
from houqin.assets.tests.factories import AssetCategoryFactory, AssetFactory


@dataclass
class Site:
    school: object
    teaching: object
    lab: object
    r301: object
    r302: object
    r401: object
    computers: object
    furniture: object
    pc1: object
    pc2: object
    projector: object
    desks: object
    director: object
    clerk: object
    keeper: object
    teacher: object


def make_site(school=None, prefix="") -> Site:
    school = school or f.SchoolFactory()
    campus = f.CampusFactory(school=school, name=f"{prefix}本部")
    teaching = f.BuildingFactory(campus=campus, name=f"{prefix}教学楼")
    lab = f.BuildingFactory(campus=campus, name=f"{prefix}实验楼")
    floor3 = f.FloorFactory(building=teaching, number=3)
    floor4 = f.FloorFactory(building=lab, number=4)
    r301 = f.RoomFactory(floor=floor3, number="301")
    r302 = f.RoomFactory(floor=floor3, number="302")
    r401 = f.RoomFactory(floor=floor4, number="401")
    computers = AssetCategoryFactory(school=school, code=f"{prefix}A02010105", name="台式机")
    furniture = AssetCategoryFactory(school=school, code=f"{prefix}A06", name="家具")
    return Site(
        school=school,
        teaching=teaching,
        lab=lab,
        r301=r301,
        r302=r302,
        r401=r401,
        computers=computers,
        furniture=furniture,
        pc1=AssetFactory(school=school, category=computers, name="台式计算机", room=r301),
        pc2=AssetFactory(school=school, category=computers, name="台式计算机", room=r301),
        projector=AssetFactory(school=school, category=computers, name="投影仪", room=r302),
        desks=AssetFactory(school=school, category=furniture, name="课桌椅", room=r401),
        director=f.member(school, "director", username=f"{prefix}director"),
        clerk=f.member(school, "clerk", username=f"{prefix}clerk"),
        keeper=f.member(school, "keeper", username=f"{prefix}keeper"),
        teacher=f.member(school, "staff", username=f"{prefix}teacher"),
    )


def start(site: Site, *, by=None, name="2026 春季盘点", **scope):
    with transaction.atomic():
        return services.start(school=site.school, by=by or site.clerk, name=name, **scope)


def scan(stocktake, code, room, *, by, client_id=None, **kwargs):
    return services.scan(
        stocktake,
        by=by,
        code=code,
        room=room,
        client_id=client_id or uuid.uuid4(),
        **kwargs,
    )


def label_url(asset) -> str:
    return f"https://houqin.example.edu.cn/a/{asset.qr_token}/"


def line(stocktake, asset):
    return stocktake.items.get(asset=asset)
