"""Demo logins: one account per role of the demo school, all with the same password."""

from __future__ import annotations

from dataclasses import dataclass

from houqin.org.roles import Role

DEMO_PASSWORD = "houqin-demo"
DISTRICT_NAME = "宁波市鄞州区教育局"
SCHOOL_A = "donghu"
SCHOOL_B = "nanhu"


@dataclass(frozen=True)
class DemoLogin:
    """One printed demo login: ``role`` is the Role it demonstrates ("" for the superuser)."""

    key: str
    username: str
    full_name: str
    role: str
    school: str  # code of the login's current school
    schools: tuple[str, ...] = (SCHOOL_A,)  # codes of every school it belongs to
    password: str = DEMO_PASSWORD


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("director", "director", "陈建国", Role.DIRECTOR, SCHOOL_A),
    DemoLogin("clerk", "clerk", "王丽萍", Role.CLERK, SCHOOL_A),
    DemoLogin("worker", "worker", "李国强", Role.WORKER, SCHOOL_A),
    DemoLogin("keeper", "keeper", "周红梅", Role.KEEPER, SCHOOL_A),
    DemoLogin("finance", "finance", "徐静", Role.FINANCE, SCHOOL_A),
    DemoLogin("principal", "principal", "俞志明", Role.PRINCIPAL, SCHOOL_A),
    DemoLogin("dept_head", "dept_head", "应晓东", Role.DEPT_HEAD, SCHOOL_A),
    DemoLogin("teacher", "teacher", "林雨婷", Role.STAFF, SCHOOL_A),
    DemoLogin("class_teacher", "class_teacher", "张慧", Role.CLASS_TEACHER, SCHOOL_A),
    DemoLogin("inspector", "inspector", "孙浩然", Role.INSPECTOR, SCHOOL_A),
    DemoLogin("contractor", "contractor", "郑海波", Role.CONTRACTOR, SCHOOL_A),
    DemoLogin("guard", "guard", "胡建军", Role.GUARD, SCHOOL_A),
    DemoLogin("canteen", "canteen", "鲍雪芬", Role.CANTEEN_MANAGER, SCHOOL_A),
    DemoLogin("auditor", "auditor", "邬文华", Role.AUDITOR, SCHOOL_A),
    DemoLogin(
        "district", "district", "竺立新", Role.DISTRICT_OFFICER, SCHOOL_A, (SCHOOL_A, SCHOOL_B)
    ),
    DemoLogin("both", "both", "忻悦", Role.STAFF, SCHOOL_A, (SCHOOL_A, SCHOOL_B)),
    DemoLogin("admin", "admin", "余振华", "", SCHOOL_A, (SCHOOL_A, SCHOOL_B)),
)
_LOGIN = {d.key: d for d in DEMO_LOGINS}
