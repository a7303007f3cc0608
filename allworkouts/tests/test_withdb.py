"""The database bootstrap that every make target runs through."""

import os
import subprocess
import sys

import environ
import pytest
from django.db import connections

from allworkouts.withdb import role_url


def test_role_url_keeps_the_servers_address_and_names_the_role_and_database():
    url = role_url(
        "postgresql://postgres@127.0.0.1:5432/postgres",
        role="allworkouts_app",
        password="",
        database="allworkouts",
    )
    assert url == "postgresql://allworkouts_app@127.0.0.1:5432/allworkouts"
    parsed = environ.Env.db_url_config(url)
    assert (parsed["HOST"], parsed["PORT"], parsed["USER"], parsed["NAME"]) == (
        "127.0.0.1",
        5432,
        "allworkouts_app",
        "allworkouts",
    )


def test_role_url_quotes_passwords_and_reads_back_unix_socket_directories():
    url = role_url(
        "host=/srv/run/pg dbname=postgres user=postgres",
        role="allworkouts_owner",
        password="p@ss/word",
        database="allworkouts",
    )
    parsed = environ.Env.db_url_config(url)
    assert parsed["HOST"] == "/srv/run/pg"
    assert parsed["NAME"] == "allworkouts"
    assert parsed["USER"] == "allworkouts_owner"
    assert parsed["PASSWORD"] == "p@ss/word"


def test_with_database_url_set_the_command_runs_with_the_environment_untouched():
    env = {**os.environ, "DATABASE_URL": "postgresql://someone@db.example/somewhere"}
    env.pop("MIGRATION_DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "allworkouts.withdb",
            sys.executable,
            "-c",
            "import os; print(os.environ['DATABASE_URL']);"
            " print(os.environ.get('MIGRATION_DATABASE_URL'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["postgresql://someone@db.example/somewhere", "None"]


def test_without_a_command_it_explains_itself_and_fails():
    result = subprocess.run(
        [sys.executable, "-m", "allworkouts.withdb"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "DATABASE_ADMIN_URL" in result.stderr


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_bootstrapped_roles_are_what_the_settings_use():
    """Whichever path started this run, the app role and the owner role are distinct logins."""
    app = connections["default"].settings_dict["USER"]
    owner = connections["owner"].settings_dict["USER"]
    assert app != owner
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreatedb FROM pg_roles"
            " WHERE rolname IN (%s, %s) ORDER BY rolname = %s",
            [app, owner, owner],
        )
        rows = cursor.fetchall()
    assert rows == [(app, True, False, False, False), (owner, True, False, False, True)]
