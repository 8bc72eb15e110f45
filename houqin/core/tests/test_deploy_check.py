"""Production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HOUQIN_", "DJANGO_", "PYTEST"))
    }
    env.update(
        HOUQIN_SECRET_KEY=secrets.token_urlsafe(60),
        HOUQIN_ALLOWED_HOSTS="houqin.example.edu.cn",
        HOUQIN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="houqin.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
