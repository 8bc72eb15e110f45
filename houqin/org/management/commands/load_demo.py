from django.core.management.base import BaseCommand

from houqin.org.demo import build_demo


class Command(BaseCommand):
    help = (
        "Create the demo schools and print the demo logins. Safe to run again: only missing "
        "rows are added."
    )

    def handle(self, *args, **options):
        build_demo(stdout=self.stdout)
