"""Test factories for every app, in one place (factory_boy)."""

import factory
from factory.django import DjangoModelFactory

from houqin.org import models as org


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = org.School
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"school-{n}")
    name = factory.Sequence(lambda n: f"宁波市第{n + 1}中学")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = org.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"张{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CampusFactory(DjangoModelFactory):
    class Meta:
        model = org.Campus

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"校区{n}")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = org.Building

    campus = factory.SubFactory(CampusFactory)
    school = factory.SelfAttribute("campus.school")
    name = factory.Sequence(lambda n: f"{n}号楼")


class FloorFactory(DjangoModelFactory):
    class Meta:
        model = org.Floor

    building = factory.SubFactory(BuildingFactory)
    school = factory.SelfAttribute("building.school")
    number = factory.Sequence(lambda n: n % 30 + 1)


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = org.Room

    floor = factory.SubFactory(FloorFactory)
    school = factory.SelfAttribute("floor.school")
    number = factory.Sequence(lambda n: f"{100 + n}")
    room_type = org.RoomType.CLASSROOM


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = org.Department

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"处室{n}")


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = org.SchoolClass

    school = factory.SubFactory(SchoolFactory)
    grade = 7
    number = factory.Sequence(lambda n: n + 1)
    student_count = 45


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = org.Company

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"物业公司{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = org.Membership

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")


def member(school, *roles, department=None, company=None, **user_fields):
    """A user who belongs to ``school`` with ``roles``; the school is their current one."""
    user = UserFactory(**user_fields)
    membership = MembershipFactory(school=school, user=user, department=department, company=company)
    for role in roles or ("staff",):
        org.RoleAssignment.objects.create(membership=membership, role=role)
    user.current_school = school
    user.save(update_fields=["current_school"])
    return user
