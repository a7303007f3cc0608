"""A finished workout's read-back page: sets grouped by exercise with planned against actual
rest, swaps and records; sets corrected in place; the workout deleted, with undo, and restored,
its records recomputed each time; another lifter's ids answer 404."""

import pytest
from django.urls import reverse

from allworkouts.rls import as_user
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from records.models import PersonalRecord
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.history_data import article_ids, days_ago, past_workout
from sessions.tests.workout_pages import HTMX, headers, open_edit, row_html, row_id, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_day(user):
    plan = WorkoutPlanFactory(user=user, name="Push day")
    return {
        "plan": plan,
        "bench": WorkoutExerciseFactory(
            workout_plan=plan,
            exercise=ExerciseFactory(name="Bench press"),
            sequence=1,
            sets=3,
            reps_min=5,
            reps_max=8,
            rest_time_seconds=120,
        ),
        "dips": WorkoutExerciseFactory(
            workout_plan=plan,
            exercise=ExerciseFactory(name="Dips"),
            sequence=2,
            sets=2,
            rest_time_seconds=60,
        ),
        "dumbbell_press": ExerciseFactory(name="Dumbbell bench press"),
    }


@pytest.fixture
def finished(push_day):
    """Bench press 100 x 5 then 80 x 8; dips swapped for dumbbell bench press, 30 x 10."""
    bench, dips = push_day["bench"], push_day["dips"]
    return past_workout(
        push_day["plan"],
        started=days_ago(1),
        minutes=52,
        sets=[(bench, "100", 5), (bench, "80", 8), (dips, "30", 10, push_day["dumbbell_press"])],
    )


def detail_url(workout) -> str:
    return reverse("workout_detail", args=[workout.pk])


def detail(client, workout) -> str:
    response = client.get(detail_url(workout))
    assert response.status_code == 200
    return response.content.decode()


def records_of(user) -> dict[tuple[str, str], int]:
    """{(exercise name, record type): id of the achieving set}."""
    with as_user(user):
        return {
            (record.exercise.name, record.record_type): record.exercise_session_id
            for record in PersonalRecord.objects.filter(user=user).select_related("exercise")
        }


def set_ids(user, workout) -> list[int]:
    with as_user(user):
        return list(
            ExerciseSession.objects.filter(workout_session=workout)
            .order_by("created_at")
            .values_list("pk", flat=True)
        )


def test_sets_come_grouped_by_exercise_with_rest_swaps_and_records(
    logged_in_client, push_day, finished
):
    bench, dips = push_day["bench"], push_day["dips"]

    response = logged_in_client.get(detail_url(finished))

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page_audit = audit_page(response)
    assert "/static/js/workout.js" in page_audit.script_sources
    html = response.content.decode()
    page = text(html)
    assert "Push day" in page
    assert "Completed" in page
    assert "Duration 52 min Sets 3 Volume 1,440 kg Records 6" in page
    # Bench press as planned; then the dips slot, done as dumbbell bench press.
    assert page.index("Bench press Planned: 3 sets x 5–8 reps · rest 2:00") < page.index(
        "Dumbbell bench press Dumbbell bench press instead of Dips Planned: 2 sets"
    )
    # Planned against actual rest; the first set of the workout has no rest before it.
    assert "Rested" not in text(row_html(html, bench, 1))
    assert "Rested 1:30 · planned 2:00" in text(row_html(html, bench, 2))
    assert "Rested 1:30 · planned 1:00" in text(row_html(html, dips, 1))
    # The records this workout holds, listed and on the sets that hold them.
    for record in [
        "Bench press Est. 1RM 116.67 kg",
        "Bench press Set volume 640 kg",
        "Bench press Workout volume 1,140 kg",
        "Dumbbell bench press Est. 1RM 40 kg",
    ]:
        assert record in page
    assert "New record: est. 1RM 116.67 kg" in text(row_html(html, bench, 1))
    assert "New record: set volume 640 kg" in text(row_html(html, bench, 2))
    # Every set can be corrected here, as on the gym floor.
    for slot, number, name in [(bench, 1, "Bench press"), (dips, 1, "Dumbbell bench press")]:
        assert f'aria-label="Edit set {number} of {name}"' in row_html(html, slot, number)


def test_records_beaten_since_are_no_longer_this_workouts(logged_in_client, push_day, finished):
    # A later workout beats all three bench press records.
    past_workout(push_day["plan"], started=days_ago(0.5), sets=[(push_day["bench"], "120", 10)])

    html = detail(logged_in_client, finished)

    page = text(html)
    assert "Records 3" in page
    assert "Dumbbell bench press Est. 1RM 40 kg" in page
    assert "Bench press Est. 1RM 116.67 kg" not in page
    assert "New record" not in row_html(html, push_day["bench"], 1)


def test_a_workout_in_progress_opens_on_the_gym_floor(logged_in_client, push_day):
    current = past_workout(push_day["plan"], started=days_ago(0.01), status="in_progress")
    gym_floor = reverse("workout", args=[current.pk])

    assert logged_in_client.get(detail_url(current))["Location"] == gym_floor
    assert logged_in_client.get(detail_url(current), **HTMX)["HX-Redirect"] == gym_floor


# --------------------------------------------------------------------------------------------
# Correcting sets


def test_a_set_is_corrected_in_place_and_the_records_follow(
    logged_in_client, user, push_day, finished
):
    bench = push_day["bench"]
    first, second, _ = set_ids(user, finished)
    action, fields = open_edit(logged_in_client, detail(logged_in_client, finished), bench, 2)
    assert action == reverse("workout_detail_set_update", args=[finished.pk, second])

    response = logged_in_client.post(action, fields | {"reps": "3"}, **HTMX)

    assert response.status_code == 200
    # The whole content comes back, so every total and badge on the page is right again.
    assert response["HX-Retarget"] == "#workout-detail"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workout-detail"')
    assert "80 kg x 3" in text(row_html(html, bench, 2))
    assert "Volume 1,040 kg" in text(html)
    assert "New record: set volume 500 kg" in text(row_html(html, bench, 1))
    assert "set volume" not in text(row_html(html, bench, 2))
    with as_user(user):
        edited = ExerciseSession.objects.get(pk=second)
    assert (edited.reps, edited.version) == (3, 2)
    assert records_of(user)[("Bench press", "set_volume")] == first


def test_without_javascript_a_correction_returns_to_the_row(
    logged_in_client, user, push_day, finished
):
    bench = push_day["bench"]
    action, fields = open_edit(logged_in_client, detail(logged_in_client, finished), bench, 1)

    response = logged_in_client.post(action, fields | {"weight": "102.5"})

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(finished)}#{row_id(bench, 1)}"
    assert "102.5 kg x 5" in text(row_html(detail(logged_in_client, finished), bench, 1))


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_bad_correction_keeps_what_was_typed_beside_its_error(
    logged_in_client, user, push_day, finished, htmx
):
    bench = push_day["bench"]
    action, fields = open_edit(logged_in_client, detail(logged_in_client, finished), bench, 1)

    response = logged_in_client.post(action, fields | {"reps": "500"}, **headers(htmx))

    assert response.status_code == 200
    assert "HX-Retarget" not in response
    row = row_html(response.content.decode(), bench, 1)
    assert "Enter reps from 0 to 100." in row
    assert 'value="500"' in row
    assert ("<html" in response.content.decode()) is not htmx
    with as_user(user):
        assert ExerciseSession.objects.get(pk=set_ids(user, finished)[0]).reps == 5


def test_a_correction_from_an_old_page_is_refused_with_the_current_values(
    logged_in_client, user, push_day, finished
):
    bench = push_day["bench"]
    action, fields = open_edit(logged_in_client, detail(logged_in_client, finished), bench, 1)
    logged_in_client.post(action, fields | {"reps": "4"}, **HTMX)

    response = logged_in_client.post(action, fields | {"reps": "6"}, **HTMX)

    row = text(row_html(response.content.decode(), bench, 1))
    assert "This set was changed elsewhere" in row
    assert "100 kg x 4" in row
    with as_user(user):
        assert ExerciseSession.objects.get(pk=set_ids(user, finished)[0]).reps == 4


def test_deleting_a_set_moves_its_records(logged_in_client, user, push_day, finished):
    bench = push_day["bench"]
    first, second, _ = set_ids(user, finished)

    response = logged_in_client.post(
        reverse("workout_detail_set_delete", args=[finished.pk, second]), **HTMX
    )

    html = response.content.decode()
    assert response["HX-Retarget"] == "#workout-detail"
    assert "Deleted set 2 of Bench press." in text(html)
    assert f'id="{row_id(bench, 2)}"' not in html
    assert "Sets 2" in text(html)
    assert set_ids(user, finished)[:1] == [first]
    assert records_of(user)[("Bench press", "total_volume")] == first


# --------------------------------------------------------------------------------------------
# Deleting and restoring the workout


def test_deleting_offers_undo_in_place_and_restoring_brings_the_records_back(
    logged_in_client, user, push_day, finished
):
    before = records_of(user)
    assert len(before) == 6

    deleted = logged_in_client.post(
        reverse("workout_detail_delete", args=[finished.pk]), **HTMX
    ).content.decode()

    assert deleted.lstrip().startswith('<div id="workout-detail"')
    assert "Deleted “Push day”." in text(deleted)
    restore_url = reverse("workout_restore", args=[finished.pk])
    assert f'hx-post="{restore_url}"' in deleted
    assert records_of(user) == {}
    assert logged_in_client.get(detail_url(finished)).status_code == 404
    assert article_ids(logged_in_client.get(reverse("workout_history")).content.decode()) == []

    restored = logged_in_client.post(restore_url, **HTMX)

    assert restored["HX-Retarget"] == "#workout-detail"
    assert "Restored “Push day”." in text(restored.content.decode())
    assert "Records 6" in text(restored.content.decode())
    assert records_of(user) == before
    assert logged_in_client.get(detail_url(finished)).status_code == 200


def test_without_javascript_the_undo_waits_on_the_history(
    logged_in_client, user, push_day, finished
):
    history_url = reverse("workout_history")
    response = logged_in_client.post(reverse("workout_detail_delete", args=[finished.pk]))
    assert response["Location"] == f"{history_url}?undo={finished.pk}"

    offer = logged_in_client.get(response["Location"]).content.decode()
    assert "Deleted “Push day”." in text(offer)
    restore_url = reverse("workout_restore", args=[finished.pk])
    assert f'action="{restore_url}"' in offer

    restored = logged_in_client.post(restore_url, follow=True)
    assert restored.redirect_chain == [(detail_url(finished), 302)]
    assert "Restored “Push day”." in text(restored.content.decode())
    # A second tap on Restore finds it restored already: nothing changes.
    again = logged_in_client.post(restore_url)
    assert again["Location"] == detail_url(finished)
    assert len(records_of(user)) == 6


def test_a_workout_deleted_in_progress_waits_while_another_is_in_progress(
    logged_in_client, user, push_day
):
    plan = push_day["plan"]
    dropped = past_workout(plan, started=days_ago(1), status="in_progress", deleted=True)
    current = past_workout(plan, started=days_ago(0.01), status="in_progress")
    restore_url = reverse("workout_restore", args=[dropped.pk])

    refused = logged_in_client.post(restore_url, **HTMX).content.decode()
    assert "Another workout is in progress" in text(refused)
    assert f'hx-post="{restore_url}"' in refused
    plain = logged_in_client.post(restore_url, follow=True)
    assert "Another workout is in progress" in text(plain.content.decode())
    with as_user(user):
        assert WorkoutSession.all_objects.get(pk=dropped.pk).deleted_at is not None

    # Once the other is finished, it comes back in progress, on the gym floor.
    with as_user(user):
        WorkoutSession.objects.filter(pk=current.pk).update(status=SessionStatus.COMPLETED)
    response = logged_in_client.post(restore_url, **HTMX)
    assert response["HX-Redirect"] == reverse("workout", args=[dropped.pk])


# --------------------------------------------------------------------------------------------
# Another lifter's ids


@pytest.fixture
def theirs(other_user):
    slot = WorkoutExerciseFactory(workout_plan__user=other_user)
    workout = past_workout(slot.workout_plan, started=days_ago(1), sets=[(slot, "60", 5)])
    deleted = past_workout(slot.workout_plan, started=days_ago(2), deleted=True)
    (logged,) = set_ids(other_user, workout)
    return {"workout": workout, "deleted": deleted, "set": logged}


EDIT = {"reps": "3", "weight": "1", "version": "1"}


def read_back_urls(workout_id: int, set_id: int, deleted_id: int):
    """(url, the methods it answers, POST data valid for the owner)."""
    return [
        (reverse("workout_detail", args=[workout_id]), {"GET"}, {}),
        (reverse("workout_detail_set_update", args=[workout_id, set_id]), {"GET", "POST"}, EDIT),
        (reverse("workout_detail_set_delete", args=[workout_id, set_id]), {"POST"}, {}),
        (reverse("workout_detail_delete", args=[workout_id]), {"POST"}, {}),
        (reverse("workout_restore", args=[deleted_id]), {"POST"}, {}),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_another_lifters_ids_answer_404(logged_in_client, other_user, theirs, htmx):
    for url, methods, data in read_back_urls(
        theirs["workout"].pk, theirs["set"], theirs["deleted"].pk
    ):
        answers = {
            "GET": logged_in_client.get(url, **headers(htmx)).status_code,
            "POST": logged_in_client.post(url, data, **headers(htmx)).status_code,
        }
        assert answers == {
            "GET": 404 if "GET" in methods else 405,
            "POST": 404 if "POST" in methods else 405,
        }, url

    with as_user(other_user):
        assert WorkoutSession.objects.get().deleted_at is None
        assert WorkoutSession.all_objects.get(pk=theirs["deleted"].pk).deleted_at is not None
        assert ExerciseSession.objects.get().reps == 5
    assert len(records_of(other_user)) == 3


def test_my_set_under_another_of_my_workouts_or_a_deleted_one_answers_404(
    logged_in_client, user, push_day, finished
):
    other = past_workout(push_day["plan"], started=days_ago(3))
    first = set_ids(user, finished)[0]
    for name in ("workout_detail_set_update", "workout_detail_set_delete"):
        url = reverse(name, args=[other.pk, first])
        assert logged_in_client.post(url, EDIT, **HTMX).status_code == 404, url
    opening = reverse("workout_detail_set_update", args=[other.pk, first])
    assert logged_in_client.get(opening, **HTMX).status_code == 404
    assert logged_in_client.get(opening).status_code == 404

    logged_in_client.post(reverse("workout_detail_delete", args=[finished.pk]))
    for name in ("workout_detail_set_update", "workout_detail_set_delete"):
        url = reverse(name, args=[finished.pk, first])
        assert logged_in_client.post(url, EDIT, **HTMX).status_code == 404, url
    opening = reverse("workout_detail_set_update", args=[finished.pk, first])
    assert logged_in_client.get(opening, **HTMX).status_code == 404
    assert logged_in_client.get(opening).status_code == 404
    assert (
        logged_in_client.post(reverse("workout_detail_delete", args=[finished.pk])).status_code
        == 404
    )
