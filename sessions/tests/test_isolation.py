"""Another lifter's workouts, plan slots, sets and plans answer 404 on every workout view, with
or without htmx, and nothing of theirs changes."""

import pytest
from django.urls import reverse

from allworkouts.rls import as_user
from plans.tests.factories import WorkoutExerciseFactory
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory
from sessions.tests.workout_pages import HTMX, headers, log_data
from sessions.urls import urlpatterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_user):
    slot = WorkoutExerciseFactory(workout_plan__user=other_user)
    workout = WorkoutSessionFactory(workout_plan=slot.workout_plan, in_progress=True)
    logged = ExerciseSessionFactory(
        workout_session=workout, workout_exercise=slot, exercise=slot.exercise, set_number=1
    )
    return {"plan": slot.workout_plan, "slot": slot, "workout": workout, "set": logged}


@pytest.fixture
def mine(user):
    slot = WorkoutExerciseFactory(workout_plan__user=user)
    workout = WorkoutSessionFactory(workout_plan=slot.workout_plan, in_progress=True)
    logged = ExerciseSessionFactory(
        workout_session=workout, workout_exercise=slot, exercise=slot.exercise, set_number=1
    )
    return {"plan": slot.workout_plan, "slot": slot, "workout": workout, "set": logged}


EDIT = {"reps": "3", "weight": "1", "version": "1"}


def requests(rows):
    """(url name, url args, the methods it answers, POST data valid for the owner)."""
    workout, slot, logged = rows["workout"].pk, rows["slot"], rows["set"].pk
    return [
        ("workout_start", [rows["plan"].pk], {"POST"}, {}),
        ("workout", [workout], {"GET"}, {}),
        ("workout_finish", [workout], {"POST"}, {"status": SessionStatus.COMPLETED}),
        ("workout_delete", [workout], {"POST"}, {}),
        ("workout_set_log", [workout, slot.pk], {"POST"}, log_data(slot, 2)),
        ("workout_set_add", [workout, slot.pk], {"POST"}, {}),
        ("workout_set_skip", [workout, slot.pk], {"POST"}, {"set_number": "2", "skipped": "on"}),
        ("workout_swap", [workout, slot.pk], {"GET", "POST"}, {"exercise": slot.exercise_id}),
        ("workout_set_update", [workout, logged], {"GET", "POST"}, EDIT),
        ("workout_set_delete", [workout, logged], {"POST"}, {}),
        ("workout_detail", [workout], {"GET"}, {}),
        ("workout_detail_set_update", [workout, logged], {"GET", "POST"}, EDIT),
        ("workout_detail_set_delete", [workout, logged], {"POST"}, {}),
        ("workout_detail_delete", [workout], {"POST"}, {}),
        ("workout_restore", [workout], {"POST"}, {}),
    ]


def test_every_workout_url_is_covered(theirs):
    """Every URL naming a row (the history and the export name none: they list the visitor's)."""
    with_ids = {pattern.name for pattern in urlpatterns if pattern.pattern.converters}
    assert {name for name, *_ in requests(theirs)} == with_ids


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_another_lifters_ids_answer_404(logged_in_client, other_user, theirs, htmx):
    for name, args, methods, data in requests(theirs):
        url = reverse(name, args=args)
        answers = {
            "GET": logged_in_client.get(url, **headers(htmx)).status_code,
            "POST": logged_in_client.post(url, data, **headers(htmx)).status_code,
            "POST without data": logged_in_client.post(url, {}, **headers(htmx)).status_code,
        }
        assert answers == {
            "GET": 404 if "GET" in methods else 405,
            "POST": 404 if "POST" in methods else 405,
            "POST without data": 404 if "POST" in methods else 405,
        }, url

    with as_user(other_user):
        workout = WorkoutSession.objects.get()
        logged = ExerciseSession.objects.get()
    assert (workout.status, workout.deleted_at) == (SessionStatus.IN_PROGRESS, None)
    assert workout.version == 1
    assert (logged.reps, logged.version) == (theirs["set"].reps, 1)


def test_their_slot_or_set_in_my_workout_answers_404(logged_in_client, mine, theirs):
    workout = mine["workout"].pk
    for name, args, data in [
        ("workout_set_log", [workout, theirs["slot"].pk], log_data(theirs["slot"], 2)),
        ("workout_set_add", [workout, theirs["slot"].pk], {}),
        ("workout_set_skip", [workout, theirs["slot"].pk], {"set_number": "1"}),
        ("workout_swap", [workout, theirs["slot"].pk], {"exercise": theirs["slot"].exercise_id}),
        ("workout_set_update", [workout, theirs["set"].pk], EDIT),
        ("workout_set_delete", [workout, theirs["set"].pk], {}),
        ("workout_detail_set_update", [workout, theirs["set"].pk], EDIT),
        ("workout_detail_set_delete", [workout, theirs["set"].pk], {}),
    ]:
        url = reverse(name, args=args)
        assert logged_in_client.post(url, data, **HTMX).status_code == 404, url


def test_my_set_under_another_of_my_workouts_answers_404(logged_in_client, user, mine):
    other_workout = WorkoutSessionFactory(workout_plan=mine["plan"])

    for name in ("workout_set_update", "workout_set_delete"):
        url = reverse(name, args=[other_workout.pk, mine["set"].pk])
        data = EDIT
        assert logged_in_client.post(url, data, **HTMX).status_code == 404, url
