"""Run periodic jobs: every 30 seconds, or once with ``--once`` (for cron or systemd timers)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from houqin.core.scheduler import jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (each at most once per time slot)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run due jobs one time and exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between checks (default: 30)."
        )

    def handle(self, *, once, interval, verbosity, **options):
        if once:
            self._report(run_due_jobs(), verbosity)
            return
        stop = threading.Event()

        def _stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        if verbosity:
            keys = ", ".join(sorted(job.key for job in jobs())) or "-"
            self.stdout.write(f"Scheduler started (every {interval:g} s). Jobs: {keys}")
        while not stop.is_set():
            self._tick(verbosity)
            # Event.wait wakes at once on Ctrl-C / SIGTERM instead of sleeping the interval out.
            stop.wait(interval)
        if verbosity:
            self.stdout.write("Scheduler stopped.")

    def _tick(self, verbosity):
        # A long-lived loop must not keep a dropped or stale database connection.
        close_old_connections()
        try:
            self._report(run_due_jobs(), verbosity)
        finally:
            close_old_connections()

    def _report(self, ran, verbosity):
        if ran and verbosity:
            self.stdout.write(f"Ran: {', '.join(ran)}")
