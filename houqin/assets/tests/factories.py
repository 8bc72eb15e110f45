"""Test factories for the assets app (shared by every test module of the app)."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from houqin.assets import models
from houqin.factories import SchoolFactory


class AssetCategoryFactory(DjangoModelFactory):
    class Meta:
        model = models.AssetCategory
        django_get_or_create = ("school", "code")

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"类别{n}")
    useful_life_years = 6
    depreciates = True


class AssetFactory(DjangoModelFactory):
    class Meta:
        model = models.Asset

    school = factory.SubFactory(SchoolFactory)
    category = factory.SubFactory(AssetCategoryFactory, school=factory.SelfAttribute("..school"))
    number = factory.Sequence(lambda n: f"ZC2026{n:06d}")
    name = factory.Iterator(["台式计算机", "投影仪", "办公桌", "空调", "打印机"])
    quantity = Decimal("1")
    unit = "台"
    unit_price = Decimal("4800.00")
    total_value = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)
    acquired_on = factory.Faker("date_between", start_date="-5y", end_date="-30d")
