"""The demo schools: a fictional Ningbo middle school, a small primary school, and demo logins.

``build_demo()`` is idempotent: every row has a natural key (school code, names, numbers,
usernames) and is only created when missing, so running ``manage.py load_demo`` twice changes
nothing. Everything is generated from fixed tables and a seeded ``random.Random``, so every run
plans the same people with the same names, phones and roles.
"""

from .build import build_demo, write_logins
from .logins import DEMO_LOGINS, DEMO_PASSWORD, DISTRICT_NAME, SCHOOL_A, SCHOOL_B, DemoLogin

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DISTRICT_NAME",
    "SCHOOL_A",
    "SCHOOL_B",
    "DemoLogin",
    "build_demo",
    "write_logins",
]
