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


def production_environment() -> dict[str, str]:
    # The browser tests allow Django's ORM beside Playwright's event loop; production does not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45),
        "DJANGO_ALLOWED_HOSTS": "allworkouts.example",
        # A deployment must send real mail: Django refuses the console backend (mail.E001).
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.allworkouts.example:587",
    }


def test_production_settings_add_hsts_and_secure_cookies():
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            " print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)",
        ],
        cwd=settings.BASE_DIR,
        env={**production_environment(), "DJANGO_SETTINGS_MODULE": "allworkouts.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert shown.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]


def test_the_deployment_checklist_passes_with_production_settings():
    production = production_environment()
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
