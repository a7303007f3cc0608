"""Django's own checks: the migrations match the models, and the deployment checklist passes."""

import io
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_migrations_match_the_models():
    output = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"makemigrations would write migrations:\n{output.getvalue()}")

    assert "No changes detected" in output.getvalue()


def test_the_deployment_checklist_passes_with_production_settings():
    # The browser tests allow Django's ORM beside Playwright's event loop; production does not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    production = {
        **inherited,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45),
        "DJANGO_ALLOWED_HOSTS": "allworkouts.example",
        # A deployment must send real mail: Django refuses the console backend (mail.E001).
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.allworkouts.example:587",
    }
    assert len(production["DJANGO_SECRET_KEY"]) == 60

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
