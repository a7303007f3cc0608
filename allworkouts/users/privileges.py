"""Privileges of the app role on what the owner role's migrations created.

The app role owns nothing: after every migrate it is granted data access on every table (but not
the right to change migration history), so it can read and write rows but never alter the
schema or switch off row-level security.
"""

from django.conf import settings
from django.db import connections
from psycopg import sql


def grant_app_role_privileges(*, using: str, **kwargs) -> None:
    app_role = settings.DATABASES["default"]["USER"]
    connection = connections[using]
    if not app_role or connection.settings_dict["USER"] == app_role:
        return
    role = sql.Identifier(app_role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}"),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}"),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}"),
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.format(role).as_string(cursor.connection))
