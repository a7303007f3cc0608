"""Logging, editing and deleting sets: retries, stale pages, bad input, rest, records."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from allworkouts.rls import as_user
from catalog.tests.factories import ExerciseFactory
from plans.models import WorkoutExercise
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from records.models import PersonalRecord
from sessions.models import ExerciseSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory
from sessions.tests.workout_pages import (
    HTMX,
    edit_form,
    headers,
    log,
    log_data,
    log_form,
    open_edit,
    page,
    row_html,
    sets_of,
    start,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(user):
    plan = WorkoutPlanFactory(user=user, name="Legs")
    squat = ExerciseFactory(
        name="Back squat", primary_muscle_groups=["quads", "glutes"], default_reps=5
    )
    WorkoutExerciseFactory(workout_plan=plan, exercise=squat, sequence=1, rest_time_seconds=180)
    return plan


@pytest.fixture
def squat(plan, user):
    with as_user(user):
        return WorkoutExercise.objects.select_related("exercise").get(workout_plan=plan)


@pytest.fixture
def workout(logged_in_client, plan):
    return start(logged_in_client, plan)


def log_url(workout, slot):
    return reverse("workout_set_log", args=[workout.pk, slot.pk])


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_same_post_sent_again_answers_the_same_set(
    logged_in_client, user, workout, squat, htmx
):
    data = log_form(page(logged_in_client, workout), squat, 1) | {"weight": "140"}

    first = logged_in_client.post(log_url(workout, squat), data, **headers(htmx))
    again = logged_in_client.post(log_url(workout, squat), data, **headers(htmx))

    (logged,) = sets_of(user, workout)
    assert logged.idempotency_key == uuid.UUID(data["idempotency_key"])
    assert again.status_code == first.status_code
    if htmx:
        # The retry shows the row as the first answer did, record badges included.
        assert text(again.content.decode()) == text(first.content.decode())
        assert "New record" in text(again.content.decode())
    else:
        assert again["Location"] == first["Location"]


def test_a_key_already_used_for_another_set_is_refused(logged_in_client, user, workout, squat):
    key = uuid.uuid4()
    logged_in_client.post(log_url(workout, squat), log_data(squat, 1, key=key), **HTMX)

    reused = logged_in_client.post(log_url(workout, squat), log_data(squat, 2, key=key), **HTMX)

    assert reused.status_code == 400
    assert len(sets_of(user, workout)) == 1


def test_another_users_key_is_refused_without_touching_their_set(
    logged_in_client, user, other_user, workout, squat
):
    theirs = ExerciseSessionFactory(workout_session__workout_plan__user=other_user)

    response = logged_in_client.post(
        log_url(workout, squat), log_data(squat, 1, key=theirs.idempotency_key), **HTMX
    )

    assert response.status_code == 400
    assert sets_of(user, workout) == []
    with as_user(other_user):
        assert (
            ExerciseSession.objects.get(pk=theirs.pk).workout_session_id
            == theirs.workout_session_id
        )


def test_a_set_logged_from_another_tab_is_shown_not_logged_twice(
    logged_in_client, user, workout, squat
):
    html = page(logged_in_client, workout)
    logged_in_client.post(log_url(workout, squat), log_data(squat, 1, weight="100"), **HTMX)

    # The stale tab taps its own row 1, with its own key.
    stale = logged_in_client.post(
        log_url(workout, squat), log_form(html, squat, 1) | {"weight": "90"}, **HTMX
    )

    answer = text(stale.content.decode())
    assert stale.status_code == 200
    assert "100 kg x 8" in answer
    assert "Set 1 was already logged from another tab or device" in answer
    assert [s.weight for s in sets_of(user, workout)] == [Decimal("100")]


def test_a_logged_set_shows_an_edit_link_that_opens_its_form(
    logged_in_client, user, workout, squat
):
    logged_answer = log(logged_in_client, workout, squat, 1, reps=5, weight="100")
    html = page(logged_in_client, workout)
    (logged,) = sets_of(user, workout)
    edit_url = reverse("workout_set_update", args=[workout.pk, logged.pk])

    # Neither the set log's answer nor the page carries a form per logged set.
    for shown in (logged_answer.content.decode(), row_html(html, squat, 1)):
        assert 'name="version"' not in shown
        assert f'href="{edit_url}#workout-set-{squat.pk}-1" hx-get="{edit_url}"' in shown
        assert 'aria-label="Edit set 1 of Back squat"' in shown

    opened = logged_in_client.get(edit_url, **HTMX)
    answer = opened.content.decode()
    assert opened.status_code == 200
    assert answer.lstrip().startswith(f'<li id="workout-set-{squat.pk}-1"')
    assert '<details class="set-edit" open>' in answer
    assert f'id="workout-set-edit-{logged.pk}-reps"' in answer
    assert " autofocus" in answer
    assert edit_form(answer, squat, 1)[1] | {"csrfmiddlewaretoken": ""} == {
        "csrfmiddlewaretoken": "",
        "version": "1",
        "reps": "5",
        "weight": "100",
    }

    # Without JavaScript the link opens the page with that row's form, and only that one.
    plain = logged_in_client.get(edit_url).content.decode()
    assert "<html" in plain
    assert plain.count('<details class="set-edit" open>') == 1
    assert '<details class="set-edit" open>' in row_html(plain, squat, 1)


def test_a_finished_workouts_set_does_not_open_on_the_gym_floor(
    logged_in_client, user, workout, squat
):
    log(logged_in_client, workout, squat, 1)
    (logged,) = sets_of(user, workout)
    logged_in_client.post(reverse("workout_finish", args=[workout.pk]), {"status": "completed"})
    edit_url = reverse("workout_set_update", args=[workout.pk, logged.pk])

    for htmx in (True, False):
        answer = logged_in_client.get(edit_url, **headers(htmx))
        assert answer.status_code == (200 if htmx else 302)
        assert 'name="version"' not in answer.content.decode()


def test_a_stale_edit_is_refused_with_the_current_values(logged_in_client, user, workout, squat):
    log(logged_in_client, workout, squat, 1, reps=5, weight="100")
    stale_page = page(logged_in_client, workout)
    action, fields = open_edit(logged_in_client, stale_page, squat, 1)
    logged_in_client.post(action, fields | {"reps": "4"}, **HTMX)

    refused = logged_in_client.post(action, fields | {"reps": "6", "weight": "105"}, **HTMX)

    answer = refused.content.decode()
    assert refused.status_code == 200
    assert "100 kg x 4" in text(answer)
    assert "changed elsewhere" in text(answer)
    assert "Your edit (105 kg x 6) was not saved." in text(answer)
    assert '<details class="set-edit" open>' in answer
    # The edit form now carries the current version, so the next save goes through.
    _action, current = edit_form(answer, squat, 1)
    assert current["version"] == "2"
    assert current["reps"] == "4"
    (logged,) = sets_of(user, workout)
    assert (logged.reps, logged.weight, logged.version) == (4, Decimal("100"), 2)


def test_a_retried_edit_whose_answer_was_lost_succeeds(logged_in_client, user, workout, squat):
    log(logged_in_client, workout, squat, 1, reps=5, weight="100")
    action, fields = open_edit(logged_in_client, page(logged_in_client, workout), squat, 1)
    edit = fields | {"reps": "6"}
    logged_in_client.post(action, edit, **HTMX)

    retried = logged_in_client.post(action, edit, **HTMX)

    assert "changed elsewhere" not in retried.content.decode()
    assert "100 kg x 6" in text(retried.content.decode())
    (logged,) = sets_of(user, workout)
    assert (logged.reps, logged.version) == (6, 2)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"reps": "101"}, "reps", "Enter reps from 0 to 100."),
        ({"reps": "-1"}, "reps", "Enter reps from 0 to 100."),
        ({"reps": ""}, "reps", "Enter reps from 0 to 100."),
        ({"reps": "eight"}, "reps", "Enter reps from 0 to 100."),
        ({"weight": "-5"}, "weight", "Enter a weight from 0 to 1000 kg"),
        ({"weight": "1000.25"}, "weight", "Enter a weight from 0 to 1000 kg"),
        ({"weight": "heavy"}, "weight", "Enter a weight from 0 to 1000 kg"),
        ({"weight": "1e30"}, "weight", "Enter a weight from 0 to 1000 kg"),
        ({"weight": "82.555"}, "weight", "Use at most 2 decimals."),
    ],
)
def test_bad_input_re_renders_the_row_with_the_error_and_what_was_typed(
    logged_in_client, user, workout, squat, htmx, typed, field, message
):
    data = log_form(page(logged_in_client, workout), squat, 2) | typed

    response = logged_in_client.post(log_url(workout, squat), data, **headers(htmx))

    html = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in html) is not htmx
    row = row_html(html, squat, 2)
    assert message in text(row)
    field_id = f"workout-set-{squat.pk}-2-{field}"
    assert f'id="{field_id}_error"' in row
    assert f'aria-describedby="{field_id}_error"' in row
    assert 'aria-invalid="true"' in row
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in row or (value == "" and f'name="{name}"' in row)
    assert f'value="{data["idempotency_key"]}"' in row
    assert sets_of(user, workout) == []


@pytest.mark.parametrize("field", ["set_number", "exercise", "idempotency_key"])
def test_a_form_without_its_hidden_fields_is_a_bad_request(logged_in_client, workout, squat, field):
    data = log_data(squat, 1) | {field: "x"}

    assert logged_in_client.post(log_url(workout, squat), data, **HTMX).status_code == 400


def test_an_exercise_that_is_no_equivalent_is_refused(logged_in_client, user, workout, squat):
    curl = ExerciseFactory(primary_muscle_groups=["biceps"])

    response = logged_in_client.post(
        log_url(workout, squat), log_data(squat, 1, exercise=curl.pk), **HTMX
    )

    assert response.status_code == 400
    assert sets_of(user, workout) == []


@pytest.mark.parametrize(
    ("weight", "stored"), [("", Decimal(0)), ("0", Decimal(0)), ("82,5", Decimal("82.5"))]
)
def test_an_empty_weight_is_bodyweight_and_a_decimal_comma_is_read(
    logged_in_client, user, workout, squat, weight, stored
):
    logged_in_client.post(
        log_url(workout, squat), log_data(squat, 1, weight=weight, reps=0), **HTMX
    )

    (logged,) = sets_of(user, workout)
    assert (logged.weight, logged.reps) == (stored, 0)


def test_a_zero_weight_set_sets_no_record(logged_in_client, workout, squat):
    answer = logged_in_client.post(
        log_url(workout, squat), log_data(squat, 1, weight="0", reps=15), **HTMX
    )

    assert "New record" not in answer.content.decode()


def test_rest_is_the_time_since_the_previous_set_capped_at_fifteen_minutes(
    logged_in_client, user, workout, squat
):
    log(logged_in_client, workout, squat, 1)

    def everything_logged_earlier_by(seconds):
        with as_user(user):
            ExerciseSession.objects.filter(workout_session=workout).update(
                created_at=F("created_at") - timedelta(seconds=seconds)
            )

    everything_logged_earlier_by(150)
    second = log(logged_in_client, workout, squat, 2).content.decode()
    everything_logged_earlier_by(3600)
    log(logged_in_client, workout, squat, 3)

    rests = [s.rest_time_seconds for s in sets_of(user, workout)]
    assert rests[0] is None
    assert 150 <= rests[1] <= 152
    assert rests[2] == 900
    assert f"Rested 2:{rests[1] - 120:02d} · planned 3:00" in text(second)


def test_the_rest_timer_counts_from_the_latest_set_after_a_reload(
    logged_in_client, user, workout, squat
):
    log(logged_in_client, workout, squat, 1)
    log(logged_in_client, workout, squat, 2)
    latest = sets_of(user, workout)[-1]

    html = page(logged_in_client, workout)

    timer = html[html.index('id="rest-timer"') : html.index("data-rest-done")]
    assert f'data-set-id="{latest.pk}"' in timer
    assert f'data-logged-at="{latest.created_at.isoformat()}"' in timer
    assert 'data-rest-seconds="180"' in timer
    assert "data-server-now=" in timer


def test_deleting_the_latest_set_moves_the_timer_back(logged_in_client, user, workout, squat):
    log(logged_in_client, workout, squat, 1)
    log(logged_in_client, workout, squat, 2)
    first, second = sets_of(user, workout)

    answer = logged_in_client.post(
        reverse("workout_set_delete", args=[workout.pk, second.pk]), **HTMX
    ).content.decode()

    assert f'data-set-id="{first.pk}"' in answer
    assert 'hx-swap-oob="true"' in answer


def test_deleting_a_set_added_elsewhere_beyond_the_plan_removes_its_row(
    logged_in_client, user, workout, squat
):
    # Logged from another device, whose extra row this page never had.
    with as_user(user):
        extra = ExerciseSessionFactory(
            workout_session=workout, workout_exercise=squat, exercise=squat.exercise, set_number=4
        )

    answer = logged_in_client.post(
        reverse("workout_set_delete", args=[workout.pk, extra.pk]), **HTMX
    ).content.decode()

    assert "workout-set-" not in answer
    assert sets_of(user, workout) == []


def test_edits_and_deletes_recompute_the_records(logged_in_client, user, workout, squat):
    log(logged_in_client, workout, squat, 1, reps=5, weight="100")
    log(logged_in_client, workout, squat, 2, reps=5, weight="90")
    first, second = sets_of(user, workout)

    def set_volume():
        with as_user(user):
            record = PersonalRecord.objects.get(record_type="set_volume")
        return record.exercise_session_id, record.value

    assert set_volume() == (first.pk, Decimal(500))
    action, fields = open_edit(logged_in_client, page(logged_in_client, workout), squat, 1)
    edited = logged_in_client.post(action, fields | {"weight": "80"}, **HTMX).content.decode()
    assert set_volume() == (second.pk, Decimal(450))
    assert "New record" not in edited

    logged_in_client.post(reverse("workout_set_delete", args=[workout.pk, second.pk]), **HTMX)
    assert set_volume() == (first.pk, Decimal(400))


def test_logging_in_a_workout_of_another_plan_slot_is_not_found(logged_in_client, user, workout):
    elsewhere = WorkoutExerciseFactory(workout_plan__user=user)

    response = logged_in_client.post(log_url(workout, elsewhere), log_data(elsewhere, 1), **HTMX)

    assert response.status_code == 404


def test_sets_of_a_finished_workout_stay_as_they_were(logged_in_client, user, plan, squat):
    finished = WorkoutSessionFactory(workout_plan=plan)

    response = logged_in_client.post(log_url(finished, squat), log_data(squat, 1), **HTMX)

    assert response["HX-Redirect"] == reverse("workout", args=[finished.pk])
    assert sets_of(user, finished) == []
