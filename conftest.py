"""Shared fixtures.

The test database is created and migrated by the owner role (the `owner` alias), exactly as
`make setup` migrates the real one; the tests themselves run as the app role (`default`), with
row-level security in force.
"""

import pytest
from django.db import connections
from psycopg import sql


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    owner = connections["owner"]
    default = connections["default"]
    with django_db_blocker.unblock():
        test_name = owner.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        # Transactional tests empty the tables with TRUNCATE between tests; only the test
        # database grants the app role that right.
        with owner.cursor() as cursor:
            cursor.execute(
                sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}")
                .format(sql.Identifier(default.settings_dict["USER"]))
                .as_string(cursor.connection)
            )
        default.close()
        default.settings_dict["NAME"] = test_name
    yield
    with django_db_blocker.unblock():
        default.close()
        owner.creation.destroy_test_db(test_name, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a second per log-in; the tests are about the flows, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    from allworkouts.users.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from allworkouts.users.tests.factories import UserFactory

    return UserFactory()
