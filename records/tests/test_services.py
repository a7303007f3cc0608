"""Personal records as sets are logged, edited and deleted, against real PostgreSQL with row-level
security in force."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from allworkouts.rls import as_user
from catalog.tests.factories import ExerciseFactory
from records.models import PersonalRecord
from records.services import (
    NewRecord,
    records_recompute,
    records_recompute_for_workout,
    records_update_for_logged_set,
)
from records.tests.history import epley, held, log_set
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

pytestmark = pytest.mark.django_db

ONE_REP_MAX, SET_VOLUME, TOTAL_VOLUME = "1rm", "set_volume", "total_volume"


@pytest.fixture
def bench(db):
    return ExerciseFactory(name="Bench press")


@pytest.fixture
def workout(user):
    return WorkoutSessionFactory(workout_plan__user=user)


def another_workout(user):
    return WorkoutSessionFactory(workout_plan__user=user)


def edit_set(logged_set, **fields):
    with as_user(logged_set.user):
        ExerciseSession.objects.filter(pk=logged_set.pk).update(**fields)


def delete_set(logged_set):
    """As the set-delete service must: recompute without the set, then delete it."""
    with as_user(logged_set.user), transaction.atomic():
        records_recompute(
            user=logged_set.user, exercise=logged_set.exercise, excluding_set_id=logged_set.pk
        )
        logged_set.delete()


# --- Which sets count, and for what ---------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "reps", "estimate"),
    [
        ("100", 1, Decimal("100")),  # a single is the weight itself, not 100 x 31/30
        ("100", 2, Decimal("106.666666667")),
        ("100", 10, Decimal("133.333333333")),
        ("62.5", 5, Decimal("72.916666667")),
        ("100", 12, Decimal("140")),
    ],
)
def test_the_one_rep_max_is_epleys_estimate(workout, bench, weight, reps, estimate):
    logged_set, new_records = log_set(workout, bench, weight, reps)

    assert epley(weight, reps) == estimate
    assert held(workout.user, bench)[ONE_REP_MAX] == (estimate, logged_set.pk)
    assert new_records[0] == NewRecord(record_type=ONE_REP_MAX, label="Est. 1RM", value_kg=estimate)


def test_only_sets_of_one_to_twelve_reps_estimate_a_one_rep_max(workout, bench):
    thirteen, new_records = log_set(workout, bench, "100", 13)

    assert [record.record_type for record in new_records] == [SET_VOLUME, TOTAL_VOLUME]
    assert ONE_REP_MAX not in held(workout.user, bench)
    assert held(workout.user, bench)[SET_VOLUME] == (Decimal("1300"), thirteen.pk)

    # Lighter in every way but inside the range: it sets the first 1RM.
    twelve, new_records = log_set(another_workout(workout.user), bench, "50", 12)

    assert new_records == [NewRecord(ONE_REP_MAX, "Est. 1RM", Decimal("70"))]
    assert held(workout.user, bench)[ONE_REP_MAX] == (Decimal("70"), twelve.pk)


def test_a_set_with_zero_weight_counts_toward_no_record(workout, bench, django_assert_num_queries):
    with as_user(workout.user):
        bodyweight_set = ExerciseSessionFactory(
            workout_session=workout, exercise=bench, weight=Decimal("0"), reps=20
        )
        with django_assert_num_queries(0):
            assert records_update_for_logged_set(logged_set=bodyweight_set) == []
    assert held(workout.user, bench) == {}

    # Nor does it count in a workout's total, or come back through a recomputation.
    weighted, _ = log_set(workout, bench, "40", 10)
    records_recompute(user=workout.user, exercise=bench)

    assert held(workout.user, bench) == {
        ONE_REP_MAX: (epley("40", 10), weighted.pk),
        SET_VOLUME: (Decimal("400"), weighted.pk),
        TOTAL_VOLUME: (Decimal("400"), weighted.pk),
    }


def test_the_set_volume_is_the_best_single_set_and_the_one_rep_max_may_be_another(workout, bench):
    heavy, _ = log_set(workout, bench, "100", 5)  # 1RM 116.67, volume 500
    _, new_records = log_set(workout, bench, "60", 12)  # 1RM 84, volume 720

    assert [record.record_type for record in new_records] == [SET_VOLUME, TOTAL_VOLUME]
    records = held(workout.user, bench)
    assert records[ONE_REP_MAX] == (epley("100", 5), heavy.pk)
    assert records[SET_VOLUME][0] == Decimal("720")


def test_the_workout_volume_sums_one_exercises_sets_within_one_workout(user, workout, bench):
    squat = ExerciseFactory(name="Squat")
    log_set(workout, bench, "100", 5)
    log_set(workout, squat, "200", 5)  # another exercise: not in the bench total
    last, new_records = log_set(workout, bench, "90", 5)

    assert new_records == [NewRecord(TOTAL_VOLUME, "Workout volume", Decimal("950"))]
    assert held(user, bench)[TOTAL_VOLUME] == (Decimal("950"), last.pk)

    # A later workout beats it only once its own total does.
    later = another_workout(user)
    for weight, reps in [("100", 5), ("100", 4), ("20", 1)]:  # 500, 900, 920
        _, new_records = log_set(later, bench, weight, reps)
        assert new_records == []
    assert held(user, bench)[TOTAL_VOLUME] == (Decimal("950"), last.pk)

    best, new_records = log_set(later, bench, "40", 1)  # 960

    assert new_records == [NewRecord(TOTAL_VOLUME, "Workout volume", Decimal("960"))]
    assert held(user, bench)[TOTAL_VOLUME] == (Decimal("960"), best.pk)


def test_a_set_that_beats_nothing_sets_nothing_and_changes_nothing(workout, bench):
    log_set(workout, bench, "100", 5)
    before = held(workout.user, bench)

    _, new_records = log_set(another_workout(workout.user), bench, "80", 5)

    assert new_records == []
    assert held(workout.user, bench) == before


def test_updating_twice_for_the_same_set_reports_its_records_once(workout, bench):
    logged_set, new_records = log_set(workout, bench, "100", 5)

    with as_user(workout.user):
        again = records_update_for_logged_set(logged_set=logged_set)

    assert len(new_records) == 3
    assert again == []


def test_the_record_keeps_the_sets_date_as_when_it_was_achieved(workout, bench):
    logged_set, _ = log_set(workout, bench, "100", 5)

    with as_user(workout.user):
        achieved = set(PersonalRecord.objects.values_list("achieved_at", flat=True))

    assert achieved == {logged_set.created_at}


def test_on_a_tie_the_earlier_set_keeps_the_record(user, workout, bench):
    first, _ = log_set(workout, bench, "100", 5)
    later_workout = another_workout(user)
    _, new_records = log_set(later_workout, bench, "100", 5)

    assert new_records == []
    assert held(user, bench) == {
        ONE_REP_MAX: (epley("100", 5), first.pk),
        SET_VOLUME: (Decimal("500"), first.pk),
        TOTAL_VOLUME: (Decimal("500"), first.pk),
    }

    # A recomputation breaks ties the same way.
    records_recompute(user=user, exercise=bench)
    assert {set_id for _, set_id in held(user, bench).values()} == {first.pk}


def test_on_a_tie_the_earlier_set_takes_the_record_even_when_updated_last(user, bench):
    """Two tabs: the set created first may reach the update second."""
    with as_user(user):
        earlier = ExerciseSessionFactory(
            workout_session=another_workout(user), exercise=bench, weight=Decimal("100"), reps=5
        )
        later = ExerciseSessionFactory(
            workout_session=another_workout(user), exercise=bench, weight=Decimal("100"), reps=5
        )
        assert len(records_update_for_logged_set(logged_set=later)) == 3
        assert len(records_update_for_logged_set(logged_set=earlier)) == 3

    assert {set_id for _, set_id in held(user, bench).values()} == {earlier.pk}


def test_another_users_sets_never_touch_my_records(user, other_user, workout, bench):
    mine, _ = log_set(workout, bench, "100", 5)
    log_set(WorkoutSessionFactory(workout_plan__user=other_user), bench, "200", 5)
    records_recompute(user=user, exercise=bench)

    assert {set_id for _, set_id in held(user, bench).values()} == {mine.pk}
    assert held(other_user, bench)[SET_VOLUME][0] == Decimal("1000")


def test_the_update_refuses_a_transaction_that_does_not_carry_the_sets_user(
    user, other_user, workout, bench
):
    with as_user(user):
        logged_set = ExerciseSessionFactory(workout_session=workout, exercise=bench)

    with pytest.raises(transaction.TransactionManagementError), as_user(other_user):
        records_update_for_logged_set(logged_set=logged_set)
    with pytest.raises(transaction.TransactionManagementError), transaction.atomic():
        records_update_for_logged_set(logged_set=logged_set)
    assert held(user, bench) == {}


# --- Edits and deletes recompute from the remaining history --------------------------------


def test_editing_the_record_set_down_hands_each_record_to_the_next_best(user, bench):
    monday, thursday = another_workout(user), another_workout(user)
    log_set(monday, bench, "90", 5)
    runner_up, _ = log_set(monday, bench, "95", 5)
    top, _ = log_set(thursday, bench, "120", 5)

    edit_set(top, weight=Decimal("80"))
    records_recompute(user=user, exercise=bench)

    assert held(user, bench) == {
        ONE_REP_MAX: (epley("95", 5), runner_up.pk),
        SET_VOLUME: (Decimal("475"), runner_up.pk),
        TOTAL_VOLUME: (Decimal("925"), runner_up.pk),
    }


def test_editing_a_set_up_is_seen_by_a_recomputation(workout, bench):
    logged_set, _ = log_set(workout, bench, "100", 5)

    edit_set(logged_set, reps=8)
    records_recompute(user=workout.user, exercise=bench.pk)

    assert held(workout.user, bench) == {
        ONE_REP_MAX: (epley("100", 8), logged_set.pk),
        SET_VOLUME: (Decimal("800"), logged_set.pk),
        TOTAL_VOLUME: (Decimal("800"), logged_set.pk),
    }


def test_editing_the_reps_past_twelve_drops_a_one_rep_max_no_other_set_has(workout, bench):
    logged_set, _ = log_set(workout, bench, "100", 5)

    edit_set(logged_set, reps=15)
    records_recompute(user=workout.user, exercise=bench)

    assert held(workout.user, bench) == {
        SET_VOLUME: (Decimal("1500"), logged_set.pk),
        TOTAL_VOLUME: (Decimal("1500"), logged_set.pk),
    }


def test_deleting_the_record_set_recomputes_without_it_and_never_points_at_it(user, bench):
    monday, thursday = another_workout(user), another_workout(user)
    kept, _ = log_set(monday, bench, "100", 5)
    first_of_thursday, _ = log_set(thursday, bench, "100", 5)
    doomed, _ = log_set(thursday, bench, "110", 5)
    assert held(user, bench)[TOTAL_VOLUME] == (Decimal("1050"), doomed.pk)

    delete_set(doomed)

    assert held(user, bench) == {
        ONE_REP_MAX: (epley("100", 5), kept.pk),
        SET_VOLUME: (Decimal("500"), kept.pk),
        # Thursday's total without the deleted set ties Monday's: the earlier workout keeps it.
        TOTAL_VOLUME: (Decimal("500"), kept.pk),
    }
    with as_user(user):
        assert not ExerciseSession.objects.filter(pk=doomed.pk).exists()
        assert ExerciseSession.objects.filter(pk=first_of_thursday.pk).exists()


def test_deleting_the_only_qualifying_set_deletes_the_record_rows(workout, bench):
    high_reps, _ = log_set(workout, bench, "40", 15)
    doomed, _ = log_set(workout, bench, "100", 3)

    delete_set(doomed)

    # No set of 1-12 reps is left: that row goes; the volumes fall back to the other set.
    assert held(workout.user, bench) == {
        SET_VOLUME: (Decimal("600"), high_reps.pk),
        TOTAL_VOLUME: (Decimal("600"), high_reps.pk),
    }

    delete_set(high_reps)

    assert held(workout.user, bench) == {}


def test_a_set_a_record_points_at_cannot_be_deleted_before_the_recomputation(workout, bench):
    logged_set, _ = log_set(workout, bench, "100", 5)

    with pytest.raises(ProtectedError), as_user(workout.user):
        logged_set.delete()


def test_the_recomputation_leaves_other_exercises_records_alone(user, workout, bench):
    squat = ExerciseFactory(name="Squat")
    squat_set, _ = log_set(workout, squat, "140", 5)
    bench_set, _ = log_set(workout, bench, "100", 5)
    squat_records = held(user, squat)

    delete_set(bench_set)

    assert held(user, bench) == {}
    assert held(user, squat) == squat_records
    assert {set_id for _, set_id in squat_records.values()} == {squat_set.pk}


# --- Which workouts count -----------------------------------------------------------------


def test_sets_of_a_deleted_workout_stop_counting_and_count_again_once_restored(user, bench):
    kept_workout, deleted_workout = another_workout(user), another_workout(user)
    kept, _ = log_set(kept_workout, bench, "80", 5)
    log_set(deleted_workout, bench, "100", 5)

    with as_user(user):
        WorkoutSession.objects.filter(pk=deleted_workout.pk).update(deleted_at=timezone.now())
        records_recompute_for_workout(user=user, workout_session_id=deleted_workout.pk)
    assert {set_id for _, set_id in held(user, bench).values()} == {kept.pk}

    # Logging into it while it is deleted sets nothing either.
    _, new_records = log_set(deleted_workout, bench, "150", 5)
    assert new_records == []

    with as_user(user):
        WorkoutSession.all_objects.filter(pk=deleted_workout.pk).update(deleted_at=None)
        records_recompute_for_workout(user=user, workout_session_id=deleted_workout.pk)
    assert held(user, bench)[SET_VOLUME][0] == Decimal("750")
    assert held(user, bench)[TOTAL_VOLUME][0] == Decimal("1250")


def test_sets_of_an_abandoned_workout_count(user, bench):
    abandoned = WorkoutSessionFactory(workout_plan__user=user, status=SessionStatus.ABANDONED)

    logged_set, new_records = log_set(abandoned, bench, "100", 5)
    records_recompute(user=user, exercise=bench)

    assert len(new_records) == 3
    assert {set_id for _, set_id in held(user, bench).values()} == {logged_set.pk}


# --- The hot path's cost --------------------------------------------------------------------


def test_the_update_costs_two_queries_whatever_the_length_of_the_history(
    user, bench, django_assert_num_queries
):
    for _ in range(12):
        past = another_workout(user)
        for _ in range(10):
            log_set(past, bench, "100", 5)
    today = another_workout(user)
    log_set(today, bench, "100", 5)
    log_set(today, bench, "100", 5)

    with as_user(user):
        heavier = ExerciseSessionFactory(
            workout_session=today, exercise=bench, weight=Decimal("105"), reps=5
        )
        with django_assert_num_queries(2):
            new_records = records_update_for_logged_set(logged_set=heavier)

    assert [record.record_type for record in new_records] == [ONE_REP_MAX, SET_VOLUME]
