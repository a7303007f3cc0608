"""Two tabs log sets of the same exercise at once: neither loses the other's record update.

Each tab is a thread with its own database connection and transaction, as two requests would be.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from allworkouts.rls import as_user
from allworkouts.tests.database import fetch_value
from catalog.tests.factories import ExerciseFactory
from records.services import records_update_for_logged_set
from records.tests.history import epley, held, log_set
from sessions.models import ExerciseSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

WAIT_SECONDS = 10


def waiting_advisory_locks() -> int:
    return fetch_value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")


def wait_for(condition) -> bool:
    for _ in range(WAIT_SECONDS * 20):
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_tabs_logging_at_once_keep_every_record_update(user):
    bench = ExerciseFactory(name="Bench press")
    workout = WorkoutSessionFactory(workout_plan__user=user, in_progress=True)
    log_set(workout, bench, "100", 5)
    both_sets_inserted = threading.Barrier(2, timeout=WAIT_SECONDS)
    first_tab_updated = threading.Event()
    second_tab_waits = threading.Event()
    logged: dict[str, int] = {}
    errors: list[BaseException] = []

    def tab(name, weight, reps, *, first):
        try:
            with as_user(user):
                logged_set = ExerciseSessionFactory(
                    workout_session=workout, exercise=bench, weight=Decimal(weight), reps=reps
                )
                logged[name] = logged_set.pk
                # Neither transaction has committed: each set is invisible to the other tab.
                both_sets_inserted.wait()
                if first:
                    records_update_for_logged_set(logged_set=logged_set)
                    first_tab_updated.set()
                    # Stay uncommitted until the other tab is inside its own update.
                    assert second_tab_waits.wait(2 * WAIT_SECONDS)
                else:
                    assert first_tab_updated.wait(WAIT_SECONDS)
                    records_update_for_logged_set(logged_set=logged_set)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    tabs = [
        threading.Thread(target=tab, args=("first", "100", 6), kwargs={"first": True}),
        threading.Thread(target=tab, args=("second", "120", 3), kwargs={"first": False}),
    ]
    for thread in tabs:
        thread.start()
    assert first_tab_updated.wait(WAIT_SECONDS)
    second_tab_blocked = wait_for(lambda: waiting_advisory_locks() == 1)
    second_tab_waits.set()
    for thread in tabs:
        thread.join(WAIT_SECONDS)

    assert errors == []
    records = held(user, bench)
    assert records["1rm"] == (epley("120", 3), logged["second"])
    assert records["set_volume"] == (Decimal("600"), logged["first"])
    # 500 + 600 + 360: the total counts both tabs' sets.
    with as_user(user):
        latest = ExerciseSession.objects.filter(pk__in=logged.values()).latest("created_at", "pk")
    assert records["total_volume"] == (Decimal("1460"), latest.pk)
    assert second_tab_blocked, "the second tab never waited for the first one's lock"
