"""Swapping a plan's exercise for an equivalent during a workout."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.models import UserEquipment
from catalog.tests.factories import ExerciseFactory
from plans.models import WorkoutExercise
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.selectors import exercise_swap_candidates
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory
from sessions.tests.workout_pages import (
    HTMX,
    log,
    log_form,
    page,
    sets_of,
    start,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(gym):
    """A barbell row and exercises around it: equivalents and not."""

    def exercise(name, primary, secondary=(), equipment=()):
        return ExerciseFactory(
            name=name,
            primary_muscle_groups=list(primary),
            secondary_muscle_groups=list(secondary),
            equipment=[gym[item] for item in equipment],
        )

    return {
        "barbell row": exercise(
            "Barbell row", ["lats", "upper_back"], ["biceps", "lower_back"], ["Barbell"]
        ),
        "dumbbell row": exercise(
            "Dumbbell row", ["lats", "upper_back"], ["biceps"], ["Dumbbell", "Bench"]
        ),
        "cable row": exercise("Cable row", ["lats", "upper_back"], ["biceps"], ["Cable"]),
        "inverted row": exercise(
            "Inverted row", ["upper_back", "lats"], ["biceps", "lower_back"], ["Bodyweight"]
        ),
        "band pull-apart": exercise("Band pull-apart", ["upper_back"], ["shoulders"]),
        "kettlebell row": exercise(
            "Kettlebell row", ["lats"], ["biceps", "lower_back"], ["Kettlebell"]
        ),
        "shrug": exercise("Dumbbell shrug", ["traps"], ["upper_back"], ["Dumbbell"]),
        "retired row": exercise("Old row machine", ["lats", "upper_back"], ["biceps"]),
    }


def names(exercises):
    return [exercise.name for exercise in exercises]


def test_candidates_share_a_primary_muscle_need_only_owned_equipment_and_are_ranked(catalog, gym):
    catalog["retired row"].retired_at = timezone.now()
    catalog["retired row"].save()
    owned = {gym[name].pk for name in ["Dumbbell", "Bench", "Kettlebell"]}

    candidates = exercise_swap_candidates(
        exercise=catalog["barbell row"], owned_equipment_ids=owned
    )

    # Both primary muscles first (more shared secondaries first), then one; never the shrug
    # (traps), the cable row (no cable), the retired one, or the barbell row itself.
    assert names(candidates) == [
        "Inverted row",
        "Dumbbell row",
        "Kettlebell row",
        "Band pull-apart",
    ]
    assert candidates[1].primary_shared == 2
    assert candidates[1].secondary_shared == 1


def test_bodyweight_and_no_equipment_need_nothing_owned(catalog):
    candidates = exercise_swap_candidates(
        exercise=catalog["barbell row"], owned_equipment_ids=set()
    )

    assert names(candidates) == ["Inverted row", "Old row machine", "Band pull-apart"]


def test_an_exercise_needing_one_unowned_piece_is_out(catalog, gym):
    dumbbell_only = {gym["Dumbbell"].pk}

    candidates = exercise_swap_candidates(
        exercise=catalog["barbell row"], owned_equipment_ids=dumbbell_only
    )

    assert "Dumbbell row" not in names(candidates)


@pytest.fixture
def rows_workout(logged_in_client, user, catalog, gym, owns):
    owns(gym["Dumbbell"], gym["Bench"])
    plan = WorkoutPlanFactory(user=user, name="Pull")
    slot = WorkoutExerciseFactory(workout_plan=plan, exercise=catalog["barbell row"], sets=3)
    return start(logged_in_client, plan), slot


def swap(client, workout, slot, exercise, **extra):
    return client.post(
        reverse("workout_swap", args=[workout.pk, slot.pk]), {"exercise": exercise.pk}, **extra
    )


def test_the_swap_panel_lists_the_candidates(logged_in_client, rows_workout):
    workout, slot = rows_workout

    panel = logged_in_client.get(reverse("workout_swap", args=[workout.pk, slot.pk]), **HTMX)

    html = panel.content.decode()
    assert html.lstrip().startswith(f'<div id="workout-swap-{slot.pk}"')
    assert "Dumbbell row" in text(html)
    assert "Lats, Upper back · Bench, Dumbbell" in text(html)
    assert "Cable row" not in text(html)
    assert "Back to the plan" not in text(html)


def test_after_a_swap_the_rows_log_the_new_exercise_with_its_own_last_time(
    logged_in_client, user, catalog, rows_workout
):
    workout, slot = rows_workout
    dumbbell_row = catalog["dumbbell row"]
    ExerciseSessionFactory(
        workout_session=WorkoutSessionFactory(workout_plan__user=user),
        exercise=dumbbell_row,
        reps=12,
        weight=Decimal("32.5"),
    )

    swapped = swap(logged_in_client, workout, slot, dumbbell_row, **HTMX).content.decode()

    assert "Last time: 32.5 kg x 12" in text(swapped)
    fields = log_form(swapped, slot, 1)
    assert (fields["exercise"], fields["weight"], fields["reps"]) == (
        str(dumbbell_row.pk),
        "32.5",
        "12",
    )
    log(logged_in_client, workout, slot, 1)
    (logged,) = sets_of(user, workout)
    assert (logged.exercise, logged.workout_exercise_id) == (dumbbell_row, slot.pk)
    # The plan is unchanged.
    with as_user(user):
        assert WorkoutExercise.objects.get(pk=slot.pk).exercise == catalog["barbell row"]


def test_a_swap_survives_a_reload_and_once_logged_shows_on_every_device(
    logged_in_client, client, user, catalog, rows_workout
):
    workout, slot = rows_workout
    swap(logged_in_client, workout, slot, catalog["dumbbell row"])
    assert "1. Dumbbell row" in text(page(logged_in_client, workout))

    log(logged_in_client, workout, slot, 1)
    second_device = type(client)()
    second_device.force_login(user)

    html = page(second_device, workout)
    assert "1. Dumbbell row" in text(html)
    assert "Swapped in for Barbell row" in text(html)
    assert log_form(html, slot, 2)["exercise"] == str(catalog["dumbbell row"].pk)


def test_swapping_back_to_the_plan_after_logging(logged_in_client, user, catalog, rows_workout):
    workout, slot = rows_workout
    swap(logged_in_client, workout, slot, catalog["dumbbell row"])
    log(logged_in_client, workout, slot, 1)
    panel = logged_in_client.get(reverse("workout_swap", args=[workout.pk, slot.pk]), **HTMX)
    assert "Back to the plan: Barbell row" in text(panel.content.decode())

    back = swap(logged_in_client, workout, slot, catalog["barbell row"], **HTMX).content.decode()

    assert "1. Barbell row" in text(back)
    assert log_form(back, slot, 2)["exercise"] == str(catalog["barbell row"].pk)
    # The set logged with the swapped-in exercise says which it was.
    assert "Dumbbell row" in text(back)


@pytest.mark.parametrize("choice", ["cable row", "shrug"])
def test_swapping_to_something_that_is_not_a_candidate_is_refused(
    logged_in_client, catalog, rows_workout, choice
):
    workout, slot = rows_workout

    response = swap(logged_in_client, workout, slot, catalog[choice], **HTMX)

    assert response.status_code == 400
    assert "1. Barbell row" in text(page(logged_in_client, workout))


def test_losing_equipment_warns_and_the_swap_offers_what_is_left(
    logged_in_client, user, gym, catalog
):
    with as_user(user):
        UserEquipment.objects.create(user=user, equipment=gym["Barbell"])
    plan = WorkoutPlanFactory(user=user)
    slot = WorkoutExerciseFactory(workout_plan=plan, exercise=catalog["barbell row"])
    workout = start(logged_in_client, plan)
    assert "Needs equipment" not in page(logged_in_client, workout)
    with as_user(user):
        UserEquipment.objects.filter(user=user).update(deleted_at=timezone.now())

    html = page(logged_in_client, workout)

    assert "Needs equipment you don't have: Barbell." in text(html)
    panel = logged_in_client.get(reverse("workout_swap", args=[workout.pk, slot.pk]), **HTMX)
    assert names_in(panel) == ["Inverted row", "Old row machine", "Band pull-apart"]


def names_in(response) -> list[str]:
    return re.findall(r'<span class="swap-name">([^<]+)</span>', response.content.decode())
