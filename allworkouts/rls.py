"""Row-level security: whose rows the current transaction may see.

Every user-scoped table has a policy comparing its user_id with the setting USER_SETTING. The
setting is always transaction-local (set_config(..., true)): a session-level SET would survive on
a persistent connection and hand one user's id to the next request.
"""

from contextlib import contextmanager

from django.db import connections, transaction

USER_SETTING = "allworkouts.user_id"


@contextmanager
def as_user(user, *, using: str = "default"):
    """Run the block in a transaction that sees only `user`'s rows (None: nobody's)."""
    user_id = getattr(user, "pk", user)
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting(%s, true), set_config(%s, %s, true)",
                [USER_SETTING, USER_SETTING, "" if user_id is None else str(int(user_id))],
            )
            previous = cursor.fetchone()[0] or ""
        yield
        # Inside an outer transaction the local setting would outlive this block. (On an error,
        # or once the block is marked for rollback, the savepoint's rollback undoes it, and a
        # query here would fail or hide the error.)
        if nested and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [USER_SETTING, previous])


class RowLevelSecurityMiddleware:
    """Wrap the whole request in one transaction that carries the logged-in user's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            # Nothing to set: with the setting unset, the policies match no row.
            return self.get_response(request)
        with as_user(request.user):
            return self.get_response(request)
