"""The workout page: rows prefilled from last time, equipment warnings, and its query budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.models import UnitSystem
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from plans.models import WorkoutPlan
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.models import ExerciseSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory
from sessions.tests.workout_pages import (
    HTMX,
    log,
    log_data,
    log_form,
    page,
    row_html,
    start,
    text,
)

pytestmark = pytest.mark.django_db

PLAN_LENGTH = 12
PAST_WORKOUTS = 30
SETS_PER_EXERCISE = 3
# Exact, so that any query added to these paths shows here. The set log: the web session, the
# user, the row-level security setting, the slot, the insert, the records' lock and update, and
# the swapped-in exercise. The page: the same three, then the selector's queries.
SET_LOG_QUERIES = 10
WORKOUT_PAGE_QUERIES = 13
# Finishing: the same three, the workout locked and updated and its sets counted for the
# message, in the request's transaction (BEGIN and COMMIT count here); then the web session
# saved without the workout's page state, in a transaction of its own.
FINISH_QUERIES = 11
# Opening a logged set's edit form: the same three, then the set with its slot, exercise and
# workout, and its records; BEGIN and COMMIT count.
OPEN_EDIT_QUERIES = 7


def past_workout(user, plan, *, days_ago: int, deleted=False, **sets_by_exercise):
    """A finished workout of `plan`, `days_ago` days back; each keyword is an exercise given as
    (exercise, [(weight, reps), ...]) in the order lifted."""
    workout = WorkoutSessionFactory(
        workout_plan=plan, deleted_at=timezone.now() if deleted else None
    )
    with as_user(user):
        for exercise, sets in sets_by_exercise.values():
            for number, (weight, reps) in enumerate(sets, start=1):
                ExerciseSessionFactory(
                    workout_session=workout,
                    exercise=exercise,
                    set_number=number,
                    weight=Decimal(weight),
                    reps=reps,
                )
        ExerciseSession.objects.filter(workout_session=workout).update(
            created_at=F("created_at") - timedelta(days=days_ago)
        )
    return workout


@pytest.fixture
def bench(user):
    plan = WorkoutPlanFactory(user=user, name="Chest")
    exercise = ExerciseFactory(name="Bench press", default_reps=10, default_weight=Decimal(20))
    return WorkoutExerciseFactory(workout_plan=plan, exercise=exercise, sets=3)


def test_rows_are_prefilled_with_last_times_newest_set(logged_in_client, user, other_user, bench):
    plan, exercise = bench.workout_plan, bench.exercise
    past_workout(user, plan, days_ago=9, bench=(exercise, [("70", 10)]))
    past_workout(user, plan, days_ago=2, bench=(exercise, [("82.5", 8), ("80", 7)]))
    past_workout(user, plan, days_ago=1, deleted=True, bench=(exercise, [("200", 1)]))
    past_workout(
        other_user, WorkoutPlanFactory(user=other_user), days_ago=0, bench=(exercise, [("150", 3)])
    )
    workout = start(logged_in_client, plan)

    html = page(logged_in_client, workout)

    assert "Last time: 80 kg x 7" in text(html)
    for number in (1, 2, 3):
        fields = log_form(html, bench, number)
        assert (fields["reps"], fields["weight"]) == ("7", "80")


def test_without_history_rows_start_from_the_exercises_defaults(logged_in_client, bench):
    workout = start(logged_in_client, bench.workout_plan)

    html = page(logged_in_client, workout)

    assert "No history yet" in text(html)
    fields = log_form(html, bench, 1)
    assert (fields["reps"], fields["weight"]) == ("10", "20")


def test_rows_still_to_log_follow_the_slots_latest_set(logged_in_client, bench):
    past_workout(bench.user, bench.workout_plan, days_ago=3, bench=(bench.exercise, [("60", 8)]))
    workout = start(logged_in_client, bench.workout_plan)
    log(logged_in_client, workout, bench, 1, reps=6, weight="65")

    html = page(logged_in_client, workout)

    assert "Last time: 60 kg x 8" in text(html)
    fields = log_form(html, bench, 2)
    assert (fields["reps"], fields["weight"]) == ("6", "65")


def test_an_imperial_lifter_reads_and_types_pounds(logged_in_client, user, bench):
    user.unit_system = UnitSystem.IMPERIAL
    user.save()
    past_workout(
        user, bench.workout_plan, days_ago=3, bench=(bench.exercise, [("102.05828325", 5)])
    )
    workout = start(logged_in_client, bench.workout_plan)

    html = page(logged_in_client, workout)

    assert "Last time: 225 lb x 5" in text(html)
    assert log_form(html, bench, 1)["weight"] == "225"
    assert "Weight (lb)" in text(row_html(html, bench, 1))


def test_an_exercise_needing_equipment_the_lifter_lacks_is_flagged(
    logged_in_client, user, gym, owns
):
    owns(gym["Dumbbell"])
    plan = WorkoutPlanFactory(user=user)
    needs_barbell = WorkoutExerciseFactory(
        workout_plan=plan, exercise=ExerciseFactory(equipment=[gym["Barbell"], gym["Bench"]])
    )
    bodyweight = WorkoutExerciseFactory(
        workout_plan=plan, exercise=ExerciseFactory(equipment=[gym["Bodyweight"]])
    )
    owned = WorkoutExerciseFactory(
        workout_plan=plan, exercise=ExerciseFactory(equipment=[gym["Dumbbell"]])
    )
    workout = start(logged_in_client, plan)

    html = page(logged_in_client, workout)

    def slot(workout_exercise):
        start_at = html.index(f'<section id="workout-slot-{workout_exercise.pk}"')
        return html[start_at : html.index("</section>", start_at)]

    assert "Needs equipment you don't have: Barbell, Bench." in text(slot(needs_barbell))
    assert f'href="{reverse("workout_swap", args=[workout.pk, needs_barbell.pk])}"' in slot(
        needs_barbell
    )
    assert "Needs equipment" not in slot(bodyweight)
    assert "Needs equipment" not in slot(owned)


def test_the_page_is_labelled_and_needs_no_inline_code(logged_in_client, bench):
    workout = start(logged_in_client, bench.workout_plan)
    log(logged_in_client, workout, bench, 1)

    response = logged_in_client.get(reverse("workout", args=[workout.pk]))

    page_audit = audit_page(response)
    assert "/static/js/workout.js" in page_audit.script_sources
    assert "HX-Request" in response["Vary"]


def test_a_finished_workout_shows_its_sets_and_the_records_they_hold(logged_in_client, bench):
    workout = start(logged_in_client, bench.workout_plan)
    log(logged_in_client, workout, bench, 1, reps=5, weight="100")
    logged_in_client.post(reverse("workout_finish", args=[workout.pk]), {"status": "completed"})

    html = page(logged_in_client, workout)

    assert "Completed on" in text(html)
    row = text(row_html(html, bench, 1))
    assert "100 kg x 5" in row
    assert "New record: est. 1RM 116.67 kg" in row
    assert "New record: set volume 500 kg" in row


@pytest.fixture
def long_history(user, gym, owns):
    """A twelve-exercise plan trained thirty times before: over a thousand logged sets."""
    owns(gym["Dumbbell"])
    plan = WorkoutPlanFactory(user=user, name="Full body")
    slots = [
        WorkoutExerciseFactory(
            workout_plan=plan,
            sequence=number,
            exercise=ExerciseFactory(primary_muscle_groups=["chest"], equipment=[gym["Barbell"]]),
        )
        for number in range(1, PLAN_LENGTH + 1)
    ]
    for days_ago in range(PAST_WORKOUTS, 0, -1):
        workout = WorkoutSessionFactory(workout_plan=plan)
        with as_user(user):
            ExerciseSession.objects.bulk_create(
                ExerciseSession(
                    workout_session=workout,
                    user=user,
                    exercise=slot.exercise,
                    workout_exercise=slot,
                    set_number=number,
                    reps=8,
                    weight=Decimal(40 + PAST_WORKOUTS - days_ago),
                    idempotency_key=f"{workout.pk:08d}-0000-4000-8000-{slot.pk * 10 + number:012d}",
                )
                for slot in slots
                for number in range(1, SETS_PER_EXERCISE + 1)
            )
            ExerciseSession.objects.filter(workout_session=workout).update(
                created_at=F("created_at") - timedelta(days=days_ago)
            )
    with as_user(user):
        assert ExerciseSession.objects.count() == PAST_WORKOUTS * PLAN_LENGTH * SETS_PER_EXERCISE
    return plan, slots


# The budgets count what a request runs in production, so these tests commit like production:
# inside a test's own transaction the middleware's as_user would add a savepoint and a restore
# query that a real request never runs.
@pytest.mark.django_db(transaction=True)
def test_the_workout_page_runs_a_fixed_number_of_queries(
    logged_in_client, long_history, gym, django_assert_num_queries
):
    plan, slots = long_history
    workout = start(logged_in_client, plan)
    swap_to = ExerciseFactory(primary_muscle_groups=["chest"], equipment=[gym["Dumbbell"]])
    logged_in_client.post(
        reverse("workout_swap", args=[workout.pk, slots[2].pk]), {"exercise": swap_to.pk}
    )
    for slot in slots[:4]:
        log(logged_in_client, workout, slot, 1, weight="100")

    with django_assert_num_queries(WORKOUT_PAGE_QUERIES):
        response = logged_in_client.get(reverse("workout", args=[workout.pk]))

    html = response.content.decode()
    assert f"Last time: {40 + PAST_WORKOUTS - 1} kg x 8" in text(html)
    assert html.count('aria-label="Log set') == PLAN_LENGTH * SETS_PER_EXERCISE - 4


@pytest.mark.django_db(transaction=True)
def test_logging_a_set_runs_a_fixed_number_of_queries(
    logged_in_client, long_history, gym, django_assert_num_queries
):
    plan, slots = long_history
    workout = start(logged_in_client, plan)
    # The costliest case: a swapped slot, after earlier sets, setting records.
    swap_to = ExerciseFactory(primary_muscle_groups=["chest"], equipment=[gym["Dumbbell"]])
    logged_in_client.post(
        reverse("workout_swap", args=[workout.pk, slots[0].pk]), {"exercise": swap_to.pk}
    )
    log(logged_in_client, workout, slots[1], 1)
    data = log_data(slots[0], 1, exercise=swap_to.pk, weight="100")

    with django_assert_num_queries(SET_LOG_QUERIES):
        response = logged_in_client.post(
            reverse("workout_set_log", args=[workout.pk, slots[0].pk]), data, **HTMX
        )

    assert "New record" in text(response.content.decode())
    with as_user(workout.user):
        assert (
            ExerciseSession.objects.get(idempotency_key=data["idempotency_key"]).exercise == swap_to
        )


@pytest.mark.django_db(transaction=True)
def test_finishing_runs_a_fixed_number_of_queries(
    logged_in_client, long_history, gym, django_assert_num_queries
):
    plan, slots = long_history
    workout = start(logged_in_client, plan)
    for slot in slots[:4]:
        log(logged_in_client, workout, slot, 1)
    logged_in_client.post(reverse("workout_set_add", args=[workout.pk, slots[0].pk]))

    with django_assert_num_queries(FINISH_QUERIES):
        response = logged_in_client.post(
            reverse("workout_finish", args=[workout.pk]), {"status": "completed"}
        )

    assert response.status_code == 302
    assert "Workout finished: 4 sets logged." in text(page(logged_in_client, workout))


@pytest.mark.django_db(transaction=True)
def test_opening_a_set_for_edit_runs_a_fixed_number_of_queries(
    logged_in_client, long_history, gym, django_assert_num_queries
):
    plan, slots = long_history
    workout = start(logged_in_client, plan)
    for slot in slots[:4]:
        log(logged_in_client, workout, slot, 1, weight="100")
    with as_user(workout.user):
        logged = ExerciseSession.objects.get(workout_session=workout, workout_exercise=slots[2])

    with django_assert_num_queries(OPEN_EDIT_QUERIES):
        response = logged_in_client.get(
            reverse("workout_set_update", args=[workout.pk, logged.pk]), **HTMX
        )

    assert 'name="version"' in response.content.decode()
    assert "New record" in text(response.content.decode())


def test_an_exercise_taken_out_of_the_plan_keeps_the_sets_this_workout_logged(
    logged_in_client, user, bench
):
    plan = bench.workout_plan
    dips = WorkoutExerciseFactory(workout_plan=plan, exercise=ExerciseFactory(name="Dips"))
    workout = start(logged_in_client, plan)
    log(logged_in_client, workout, bench, 1, reps=5, weight="100")
    with as_user(user):
        plan_version = WorkoutPlan.objects.get(pk=plan.pk).version
    for slot in (bench, dips):
        logged_in_client.post(
            reverse("plan_exercise_remove", args=[plan.pk, slot.pk]),
            {"version": plan_version, "exercise_version": slot.version},
        )
        plan_version += 1

    html = page(logged_in_client, workout)

    assert "1. Bench press" in text(html)
    assert "Taken out of the plan since" in text(html)
    assert "100 kg x 5" in text(row_html(html, bench, 1))
    assert "Edit set 1 of Bench press" in html
    assert 'aria-label="Log set' not in html
    assert "Dips" not in text(html)
    for name in ("workout_set_log", "workout_set_add", "workout_swap"):
        url = reverse(name, args=[workout.pk, bench.pk])
        assert logged_in_client.post(url, log_data(bench, 2), **HTMX).status_code == 404, name
