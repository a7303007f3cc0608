"""Logging sets the way the set-logging view does, and reading back what personal_record holds."""

from decimal import ROUND_HALF_UP, Decimal

from allworkouts.rls import as_user
from records.models import PersonalRecord
from records.services import records_update_for_logged_set
from sessions.tests.factories import ExerciseSessionFactory

STORED_PLACES = Decimal("0.000000001")


def epley(weight, reps) -> Decimal:
    """The estimate as the column stores it: nine places, halves away from zero (as round())."""
    weight = Decimal(weight)
    if reps == 1:
        return weight
    return (weight * (30 + reps) / 30).quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def log_set(workout, exercise, weight, reps):
    """Insert a set in `workout` and update the records, in one transaction as the user.

    Returns (the set, the NewRecords it set).
    """
    with as_user(workout.user):
        logged_set = ExerciseSessionFactory(
            workout_session=workout, exercise=exercise, weight=Decimal(weight), reps=reps
        )
        return logged_set, records_update_for_logged_set(logged_set=logged_set)


def held(user, exercise) -> dict[str, tuple[Decimal, int]]:
    """{record type: (value, id of the achieving set)} of the user's records of `exercise`."""
    with as_user(user):
        return {
            record.record_type: (record.value, record.exercise_session_id)
            for record in PersonalRecord.objects.filter(user=user, exercise=exercise)
        }
