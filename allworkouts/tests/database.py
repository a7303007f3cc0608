"""Helpers for tests that expect PostgreSQL itself to refuse something."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def violates(constraint: str):
    """Expect the block to break `constraint` (deferred ones too); the block is undone."""
    violation = None
    try:
        with transaction.atomic():
            yield
            # A deferred constraint is checked at commit, which a test's transaction never
            # reaches: check everything still pending now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except IntegrityError as error:
        violation = error
    assert violation is not None, f"Nothing violated {constraint}."
    assert violation.__cause__.diag.constraint_name == constraint, violation


@contextmanager
def refused(error_class: type[Exception], match: str):
    """Expect the block to fail with `error_class`; the block is undone, the test goes on.

    The savepoint sits inside pytest.raises so that the failed statement is rolled back before
    anything else (such as leaving `as_user`) runs in the same transaction.
    """
    with pytest.raises(error_class, match=match), transaction.atomic():
        yield


def fetch_value(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def fetch_rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
