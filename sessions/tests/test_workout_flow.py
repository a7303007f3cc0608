"""A whole workout through the test client: with htmx (rows swapped in place) and without
JavaScript (plain forms, each answered with a redirect back to the workout page)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from allworkouts.rls import as_user
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from records.models import PersonalRecord
from sessions.models import SessionStatus, WorkoutSession
from sessions.tests.workout_pages import (
    HTMX,
    log,
    open_edit,
    page,
    row_html,
    row_id,
    sets_of,
    start,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_day(user, gym, owns):
    owns(gym["Barbell"], gym["Bench"], gym["Dumbbell"])
    plan = WorkoutPlanFactory(user=user, name="Push day")
    bench = ExerciseFactory(
        name="Bench press",
        primary_muscle_groups=["chest"],
        secondary_muscle_groups=["triceps", "shoulders"],
        equipment=[gym["Barbell"], gym["Bench"]],
    )
    dips = ExerciseFactory(
        name="Dips", primary_muscle_groups=["triceps", "chest"], equipment=[gym["Bodyweight"]]
    )
    return {
        "plan": plan,
        "bench": WorkoutExerciseFactory(
            workout_plan=plan, exercise=bench, sequence=1, sets=3, rest_time_seconds=120
        ),
        "dips": WorkoutExerciseFactory(
            workout_plan=plan, exercise=dips, sequence=2, sets=2, rest_time_seconds=60
        ),
        "dumbbell_press": ExerciseFactory(
            name="Dumbbell bench press",
            primary_muscle_groups=["chest"],
            secondary_muscle_groups=["triceps", "shoulders"],
            equipment=[gym["Dumbbell"], gym["Bench"]],
        ),
    }


def test_a_workout_from_start_to_finish_with_htmx(logged_in_client, user, push_day):
    client = logged_in_client
    bench, dips = push_day["bench"], push_day["dips"]

    workout = start(client, push_day["plan"])
    assert (workout.name, workout.status) == ("Push day", SessionStatus.IN_PROGRESS)
    html = page(client, workout)
    audit_page(client.get(reverse("workout", args=[workout.pk])))
    assert html.count('aria-label="Log set') == 5

    # Log: one tap on the prefilled row (the exercise's defaults: no history yet), then one
    # with values typed over the prefill.
    first = log(client, workout, bench, 1, reps=8, weight="80")
    assert first.status_code == 200
    answer = first.content.decode()
    assert answer.lstrip().startswith(f'<li id="{row_id(bench, 1)}"')
    assert "80 kg x 8" in text(answer)
    assert "New record: est. 1RM 101.33 kg" in text(answer)
    assert 'id="rest-timer"' in answer
    assert 'hx-swap-oob="true"' in answer
    assert 'data-rest-seconds="120"' in answer
    assert "<html" not in answer
    assert "HX-Request" in first["Vary"]
    # The next row is prefilled with what was just lifted.
    second = log(client, workout, bench, 2)
    assert "80 kg x 8" in text(second.content.decode())

    # Edit the first set in place: Edit opens its form, Save sends it.
    action, fields = open_edit(client, page(client, workout), bench, 1)
    edited = client.post(action, fields | {"reps": "10", "weight": "82.5"}, **HTMX)
    assert edited.status_code == 200
    assert "82.5 kg x 10" in text(edited.content.decode())

    # Delete the second: its row is there again, to log.
    (second_set,) = [s for s in sets_of(user, workout) if s.set_number == 2]
    deleted = client.post(
        reverse("workout_set_delete", args=[workout.pk, second_set.pk]), **HTMX
    ).content.decode()
    assert row_id(bench, 2) in deleted
    assert "Log set 2 of Bench press" in deleted

    # Add a set beyond the plan, and skip the third planned one.
    added = client.post(
        reverse("workout_set_add", args=[workout.pk, bench.pk]), **HTMX
    ).content.decode()
    assert added.lstrip().startswith(f'<li id="{row_id(bench, 4)}"')
    skipped = client.post(
        reverse("workout_set_skip", args=[workout.pk, bench.pk]),
        {"set_number": "3", "skipped": "on"},
        **HTMX,
    ).content.decode()
    assert "Skipped" in text(skipped)
    assert "Undo skip" in text(skipped)
    log(client, workout, bench, 4, reps=6, weight="85")

    # Swap dips for an equivalent and log the slot's sets with it.
    options = client.get(reverse("workout_swap", args=[workout.pk, dips.pk]), **HTMX)
    assert "Dumbbell bench press" in text(options.content.decode())
    swapped = client.post(
        reverse("workout_swap", args=[workout.pk, dips.pk]),
        {"exercise": push_day["dumbbell_press"].pk},
        **HTMX,
    ).content.decode()
    assert swapped.lstrip().startswith(f'<section id="workout-slot-{dips.pk}"')
    assert "2. Dumbbell bench press" in text(swapped)
    assert "Swapped in for Dips" in text(swapped)
    log(client, workout, dips, 1, reps=12, weight="30")

    html = page(client, workout)
    assert "Set 3 Skipped" in text(row_html(html, bench, 3))
    assert "2. Dumbbell bench press" in text(html)

    finished = client.post(
        reverse("workout_finish", args=[workout.pk]), {"status": "completed"}, follow=True
    )
    assert "Workout finished: 3 sets logged." in finished.content.decode()
    with as_user(user):
        workout.refresh_from_db()
    assert workout.status == SessionStatus.COMPLETED
    assert workout.finished_at is not None
    assert [(s.exercise.name, s.set_number, s.reps, s.weight) for s in sets_of(user, workout)] == [
        ("Bench press", 1, 10, Decimal("82.5")),
        ("Bench press", 4, 6, Decimal("85")),
        ("Dumbbell bench press", 1, 12, Decimal("30")),
    ]
    # The finished workout is read-only.
    summary = page(client, workout)
    assert "Log set" not in summary
    assert "Edit set" not in summary
    assert 'id="rest-timer"' not in summary
    assert "Delete workout" in summary


def test_a_workout_without_javascript(logged_in_client, user, push_day):
    client = logged_in_client
    bench, dips = push_day["bench"], push_day["dips"]
    workout = start(client, push_day["plan"])
    workout_url = reverse("workout", args=[workout.pk])

    logged = log(client, workout, bench, 1, htmx=False, reps=5, weight="100")
    assert logged.status_code == 302
    assert logged["Location"] == f"{workout_url}#{row_id(bench, 1)}"
    assert "HX-Request" in logged["Vary"]

    action, fields = open_edit(client, page(client, workout), bench, 1, htmx=False)
    assert client.post(action, fields | {"reps": "6"}).status_code == 302

    add = client.post(reverse("workout_set_add", args=[workout.pk, bench.pk]))
    assert add["Location"] == f"{workout_url}#workout-slot-{bench.pk}"
    skip = client.post(
        reverse("workout_set_skip", args=[workout.pk, bench.pk]),
        {"set_number": "2", "skipped": "on"},
    )
    assert skip.status_code == 302

    swap_page = client.get(reverse("workout_swap", args=[workout.pk, dips.pk]))
    assert swap_page.status_code == 200
    assert "<html" in swap_page.content.decode()
    assert "Dumbbell bench press" in text(swap_page.content.decode())
    audit_page(swap_page)
    client.post(
        reverse("workout_swap", args=[workout.pk, dips.pk]),
        {"exercise": push_day["dumbbell_press"].pk},
    )

    html = page(client, workout)
    assert "100 kg x 6" in text(row_html(html, bench, 1))
    assert "Set 2 Skipped" in text(row_html(html, bench, 2))
    assert "Log set 4 of Bench press" in html
    assert "2. Dumbbell bench press" in text(html)

    (first,) = sets_of(user, workout)
    client.post(reverse("workout_set_delete", args=[workout.pk, first.pk]))
    assert sets_of(user, workout) == []

    abandoned = client.post(
        reverse("workout_finish", args=[workout.pk]), {"status": "abandoned"}, follow=True
    )
    assert "Workout abandoned." in abandoned.content.decode()
    with as_user(user):
        workout.refresh_from_db()
    assert workout.status == SessionStatus.ABANDONED


def test_skipping_can_be_undone(logged_in_client, user, push_day):
    bench = push_day["bench"]
    workout = start(logged_in_client, push_day["plan"])
    url = reverse("workout_set_skip", args=[workout.pk, bench.pk])
    logged_in_client.post(url, {"set_number": "2", "skipped": "on"}, **HTMX)

    undone = logged_in_client.post(url, {"set_number": "2"}, **HTMX).content.decode()

    assert "Log set 2 of Bench press" in undone
    assert "Skipped" not in text(row_html(page(logged_in_client, workout), bench, 2))


def test_deleting_a_workout_hides_it_and_drops_its_records(logged_in_client, user, push_day):
    workout = start(logged_in_client, push_day["plan"])
    log(logged_in_client, workout, push_day["bench"], 1, reps=5, weight="100")
    with as_user(user):
        assert PersonalRecord.objects.count() == 3

    response = logged_in_client.post(reverse("workout_delete", args=[workout.pk]), follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Workout deleted." in response.content.decode()
    assert logged_in_client.get(reverse("workout", args=[workout.pk])).status_code == 404
    with as_user(user):
        assert WorkoutSession.all_objects.get(pk=workout.pk).deleted_at is not None
        assert PersonalRecord.objects.count() == 0
    # Deleting the workout in progress frees the way for a new one.
    assert start(logged_in_client, push_day["plan"]).pk != workout.pk


def test_a_finished_workout_refuses_changes(logged_in_client, user, push_day):
    bench = push_day["bench"]
    workout = start(logged_in_client, push_day["plan"])
    log(logged_in_client, workout, bench, 1)
    action, fields = open_edit(logged_in_client, page(logged_in_client, workout), bench, 1)
    logged_in_client.post(reverse("workout_finish", args=[workout.pk]), {"status": "completed"})
    (logged,) = sets_of(user, workout)

    for url, data in [
        (reverse("workout_set_log", args=[workout.pk, bench.pk]), {}),
        (action, fields | {"reps": "3"}),
        (reverse("workout_set_delete", args=[workout.pk, logged.pk]), {}),
        (reverse("workout_set_add", args=[workout.pk, bench.pk]), {}),
        (reverse("workout_finish", args=[workout.pk]), {"status": "abandoned"}),
    ]:
        response = logged_in_client.post(url, data, **HTMX)
        assert response.status_code == 200, url
        assert response["HX-Redirect"] == reverse("workout", args=[workout.pk]), url

    (unchanged,) = sets_of(user, workout)
    assert (unchanged.reps, unchanged.version) == (logged.reps, logged.version)
    with as_user(user):
        workout.refresh_from_db()
    assert workout.status == SessionStatus.COMPLETED
