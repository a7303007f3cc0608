"""The CSV export: every set of the lifter's and no one else's, in their unit, streamed in chunks
from a server-side cursor in a transaction of its own."""

import csv
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allworkouts.users.models import UnitSystem
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions import views
from sessions.tests.history_data import days_ago, past_workout

pytestmark = pytest.mark.django_db

HEADER = ["date", "workout", "exercise", "set", "weight", "unit", "reps", "rest_seconds"]


def export(client) -> StreamingHttpResponse:
    response = client.get(reverse("workout_export"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response


def rows_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(content.splitlines()))


def open_cursors() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_cursors")
        return [name for (name,) in cursor.fetchall()]


def test_the_file_holds_every_set_of_the_lifter_and_nobody_elses(
    logged_in_client, user, other_user
):
    user.unit_system = UnitSystem.IMPERIAL
    user.save()
    plan = WorkoutPlanFactory(user=user, name="Push day")
    bench = WorkoutExerciseFactory(workout_plan=plan, exercise=ExerciseFactory(name="Bench press"))
    dips = WorkoutExerciseFactory(workout_plan=plan, exercise=ExerciseFactory(name="Dips"))
    press = ExerciseFactory(name="Dumbbell bench press")
    first_day = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
    past_workout(
        plan,
        started=first_day,
        sets=[(bench, "102.05828325", 5), (bench, "100", 3), (dips, "0", 12)],
    )
    past_workout(
        plan,
        started=first_day + timedelta(days=2),
        status="abandoned",
        name="Push day (old name)",
        sets=[(dips, "20.4116566", 10, press)],
    )
    past_workout(plan, started=days_ago(1), deleted=True, sets=[(bench, "60", 5)])
    theirs = WorkoutExerciseFactory(workout_plan__user=other_user, exercise__name="Squat")
    past_workout(theirs.workout_plan, started=first_day, sets=[(theirs, "140", 5)])

    response = export(logged_in_client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="allworkouts-sets-')
    assert rows_of(response) == [
        HEADER,
        ["2025-03-03", "Push day", "Bench press", "1", "225", "lb", "5", ""],
        ["2025-03-03", "Push day", "Bench press", "2", "220.46", "lb", "3", "90"],
        ["2025-03-03", "Push day", "Dips", "1", "0", "lb", "12", "90"],
        ["2025-03-05", "Push day (old name)", "Dumbbell bench press", "1", "45", "lb", "10", ""],
    ]


def test_a_lifter_without_sets_gets_the_header(logged_in_client):
    assert rows_of(export(logged_in_client)) == [HEADER]


def test_names_a_spreadsheet_would_run_as_formulas_are_written_as_text(logged_in_client, user):
    plan = WorkoutPlanFactory(user=user, name='=HYPERLINK("http://example.com","Push")')
    slot = WorkoutExerciseFactory(workout_plan=plan, exercise=ExerciseFactory(name="-Dips"))
    past_workout(plan, started=days_ago(1), sets=[(slot, "10", 5)])

    (_, row) = rows_of(export(logged_in_client))

    assert row[1:3] == ['\'=HYPERLINK("http://example.com","Push")', "'-Dips"]


@pytest.fixture
def long_history(user, monkeypatch):
    """35 sets over 7 workouts, exported 10 rows at a time."""
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 10)
    plan = WorkoutPlanFactory(user=user)
    slot = WorkoutExerciseFactory(workout_plan=plan)
    for day in range(7):
        past_workout(plan, started=days_ago(10 - day), sets=[(slot, "50", 5)] * 5)
    return plan


def test_a_long_history_streams_in_chunks_from_a_server_side_cursor(logged_in_client, long_history):
    with CaptureQueriesContext(connection) as during_the_view:
        response = export(logged_in_client)
    # The view only starts the response: the sets are read while it streams.
    assert not [q for q in during_the_view if "exercise_session" in q["sql"]]

    chunks = iter(response.streaming_content)
    assert next(chunks).decode().splitlines() == [",".join(HEADER)]
    first_rows = next(chunks).decode().splitlines()
    assert len(first_rows) == 10
    # Mid-stream, the rows come from a cursor held open on the server.
    (cursor_name,) = open_cursors()
    assert cursor_name.startswith("_django_curs_")

    rest = [chunk.decode().splitlines() for chunk in chunks]
    assert [len(rows) for rows in rest] == [10, 10, 5]
    assert open_cursors() == []


def test_a_download_stopped_halfway_closes_its_cursor(user, long_history):
    # What the server does when the client goes away: it closes the response's generator.
    chunks = views._csv_chunks(user)
    next(chunks)
    next(chunks)
    assert len(open_cursors()) == 1

    chunks.close()

    assert open_cursors() == []
