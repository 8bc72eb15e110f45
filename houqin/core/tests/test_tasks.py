import signal
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from houqin.core.models import Delivery
from houqin.core.tasks import deliver_task

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def keep_signal_handlers():
    # db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_an_enqueued_delivery(school, keep_signal_handlers):
    delivery = Delivery.objects.create(
        school=school, kind="email", target="zhang@example.cn", title="库存不足", body="A4 paper"
    )
    with override_settings(TASKS=DB_BACKEND):
        from django_tasks_db.models import DBTaskResult

        result = deliver_task.enqueue(delivery.pk)
        assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
        assert mail.outbox == []  # queued, not run

        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )

        result.refresh()
        assert result.status == "SUCCESSFUL"
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert [m.subject for m in mail.outbox] == ["库存不足"]


def test_run_demo_starts_server_worker_and_scheduler_and_stops_them():
    from houqin.core.management.commands.run_demo import Command

    started = []

    class FakeProcess:
        def __init__(self, argv, **kwargs):
            self.argv, self.signals, self.returncode = argv, [], None
            started.append(self)

        def poll(self):
            # The web server "crashes" at once, so the command stops everything and returns.
            return 3 if "runserver" in self.argv else self.returncode

        def send_signal(self, sig):
            self.signals.append(sig)
            self.returncode = 0

        def wait(self, timeout=None):
            return self.returncode

        def kill(self):
            self.returncode = -9

    with (
        mock.patch("subprocess.Popen", FakeProcess),
        mock.patch("signal.signal"),
        pytest.raises(SystemExit) as stopped,
    ):
        Command().run_from_argv(["manage.py", "run_demo", "--addr", "127.0.0.1:8123"])

    assert stopped.value.code == 3
    commands = [" ".join(p.argv) for p in started]
    assert any("runserver --noreload --skip-checks 127.0.0.1:8123" in c for c in commands)
    assert any("db_worker" in c for c in commands)
    assert any("scheduler --skip-checks" in c for c in commands)
    # every child still running was asked to stop with Ctrl-C
    assert all(p.signals == [signal.SIGINT] for p in started if "runserver" not in p.argv)
