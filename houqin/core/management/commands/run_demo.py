"""Serve the demo: web server, task worker and scheduler as child processes of one command.

Ctrl-C (or SIGTERM) is passed on to every child once, they get a few seconds to finish,
and whatever is still running is killed. If one child dies, the others are stopped too,
so the demo never runs half-alive.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server, the background task worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on.")
        parser.add_argument(
            "--server",
            choices=["runserver", "gunicorn"],
            default="runserver",
            help="runserver (serves static files when DEBUG) or gunicorn.",
        )

    def commands(self, addr: str, server: str) -> dict[str, list[str]]:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if server == "gunicorn":
            web = [
                sys.executable,
                "-m",
                "gunicorn",
                "houqin.wsgi:application",
                "--bind",
                addr,
                "--workers",
                "2",
            ]
        else:
            web = [*manage, "runserver", "--noreload", "--skip-checks", addr]
        # This command has run the system checks already; the children need not repeat them.
        return {
            "web": web,
            "worker": [
                *manage,
                "db_worker",
                "--no-reload",
                "--skip-checks",
                "--interval",
                "1",
                "--queue-name",
                "*",
            ],
            "scheduler": [*manage, "scheduler", "--skip-checks"],
        }

    def handle(self, *, addr, server, **options):
        if ":" not in addr:
            raise CommandError("--addr must be host:port, e.g. 127.0.0.1:8000")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "houqin.settings"),
        }
        children: dict[str, subprocess.Popen] = {}
        stopping = False
        exit_code = 0

        def _stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        try:
            for name, argv in self.commands(addr, server).items():
                # A session of their own: the terminal's Ctrl-C reaches us only, and we forward
                # it once (a second SIGINT would make db_worker abort its current task).
                children[name] = subprocess.Popen(argv, env=env, start_new_session=True)
            self.stdout.write(self.style.SUCCESS(f"Houqin is running: open http://{addr}/"))
            self.stdout.write(
                "Web server, task worker and scheduler started. Press Ctrl-C to stop."
            )
            while not stopping:
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(f"{name} exited with code {code}; stopping the others.")
                        exit_code = code or 1
                        stopping = True
                        break
                if not stopping:
                    time.sleep(0.5)
        finally:
            self._stop_all(children)
        if exit_code:
            raise CommandError("the demo stopped because a process exited", returncode=exit_code)
        self.stdout.write("Stopped.")

    def _stop_all(self, children):
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            remaining = max(0.0, deadline - time.monotonic())
            try:
                child.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
