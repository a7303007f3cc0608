"""Django's database sessions (SESSION_ENGINE), with the read that every request makes written
out: building its ORM query cost more CPU than running it."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # As the parent's query: an expired or unknown key (or none) finds nothing.
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=found[0])
