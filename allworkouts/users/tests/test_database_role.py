import pytest
from django.db import DatabaseError, connection, connections, transaction


@pytest.mark.django_db
def test_tests_run_as_the_app_role_which_cannot_bypass_row_level_security():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb"
            " FROM pg_roles WHERE rolname = current_user"
        )
        role, superuser, bypass_rls, create_role, create_db = cursor.fetchone()
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'workout_plan'")
        (table_owner,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
            [role],
        )
        (tables_owned,) = cursor.fetchone()
    assert role == connections["default"].settings_dict["USER"]
    assert (superuser, bypass_rls, create_role, create_db) == (False, False, False, False)
    assert table_owner == connections["owner"].settings_dict["USER"]
    assert table_owner != role
    assert tables_owned == 0


@pytest.mark.django_db
def test_the_app_role_cannot_change_the_schema():
    with (
        pytest.raises(DatabaseError, match=r"must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("ALTER TABLE workout_plan DISABLE ROW LEVEL SECURITY")
    with (
        pytest.raises(DatabaseError, match=r"permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("CREATE TABLE intruder (id int)")
