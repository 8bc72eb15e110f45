from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from houqin.org.demo import build_demo, write_logins


class Command(BaseCommand):
    help = (
        "Create the demo schools and print the demo logins. Safe to run again: only missing "
        "rows are added."
    )

    def handle(self, *args, **options):
        schools = build_demo()
        # Each module adds its own demo records (repairs, assets, …) in <app>/demo.py:
        # build(schools) -> None, idempotent like the schools themselves.
        for config in apps.get_app_configs():
            if not config.name.startswith("houqin.") or config.label in ("org", "testdocs"):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.build(schools)
        write_logins(self.stdout, schools)
