"""The records pages through real requests: the lifter's own records, in their unit, and nobody
else's."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allworkouts import units
from allworkouts.users.models import UnitSystem
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from records.services import NewRecord
from records.tests.history import log_set
from sessions.tests.factories import WorkoutSessionFactory

pytestmark = pytest.mark.django_db

RECORDS_URL = reverse("records")


def exercise_url(exercise_id):
    return reverse("exercise_records", args=[exercise_id])


def text_of(response) -> str:
    """The page's text with tags dropped and whitespace squeezed, as a reader would see it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def bench(db):
    return ExerciseFactory(name="Bench press")


@pytest.fixture
def push_day(user):
    return WorkoutSessionFactory(workout_plan__user=user, workout_plan__name="Push day")


def test_the_exercise_page_shows_each_record_its_set_workout_and_date(
    logged_in_client, push_day, bench
):
    for _ in range(5):
        log_set(push_day, bench, "207.5", 10)
    last, _ = log_set(push_day, bench, "207.5", 10)  # six sets: 12,450 kg in the workout

    response = logged_in_client.get(exercise_url(bench.pk))

    assert response.status_code == 200
    # The page's records section; the latest workouts below it list the same sets again.
    text = text_of(response).split("Personal records", 1)[1].split("Latest workouts", 1)[0]
    assert "Est. 1RM: 276.67 kg" in text  # 207.5 x 40/30
    assert "Set volume: 2,075 kg" in text
    assert "Workout volume: 12,450 kg" in text
    assert text.count("207.5 kg \N{MULTIPLICATION SIGN} 10") == 3
    assert text.count("Push day") == 3
    assert f'datetime="{last.created_at.isoformat()}"' in response.content.decode()
    audit_page(response)


def test_an_imperial_lifter_sees_records_in_pounds(logged_in_client, user, push_day, bench):
    user.unit_system = UnitSystem.IMPERIAL
    user.save(update_fields=["unit_system"])
    pounds_225 = units.to_kg(Decimal("225"), UnitSystem.IMPERIAL)
    log_set(push_day, bench, pounds_225, 5)
    log_set(push_day, bench, pounds_225, 5)

    text = text_of(logged_in_client.get(exercise_url(bench.pk)))

    assert "Est. 1RM: 262.5 lb" in text  # 225 x 35/30
    assert "Set volume: 1,125 lb" in text
    assert "Workout volume: 2,250 lb" in text
    assert "225 lb \N{MULTIPLICATION SIGN} 5" in text
    assert " kg" not in text


def test_another_users_records_are_never_shown(logged_in_client, other_user, bench):
    theirs = WorkoutSessionFactory(workout_plan__user=other_user, workout_plan__name="Theirs")
    log_set(theirs, bench, "180", 3)

    exercise_page = logged_in_client.get(exercise_url(bench.pk))
    list_page = logged_in_client.get(RECORDS_URL)

    assert exercise_page.status_code == list_page.status_code == 200
    assert "No records of Bench press yet" in text_of(exercise_page)
    for response in (exercise_page, list_page):
        assert "Theirs" not in text_of(response)
        assert "180" not in text_of(response)
    assert "No records yet" in text_of(list_page)


def test_an_exercise_that_does_not_exist_is_a_404(logged_in_client, bench):
    missing_id = bench.pk + 1000

    assert logged_in_client.get(exercise_url(missing_id)).status_code == 404


def test_the_list_shows_my_exercises_newest_record_first_with_links(
    logged_in_client, user, push_day, bench
):
    squat = ExerciseFactory(name="Squat")
    row = ExerciseFactory(name="Barbell row")
    log_set(push_day, squat, "140", 5)
    log_set(push_day, bench, "100", 5)
    log_set(push_day, row, "80", 8)
    log_set(WorkoutSessionFactory(workout_plan__user=user), squat, "150", 5)  # squat's newest

    response = logged_in_client.get(RECORDS_URL)

    assert response.status_code == 200
    headings = re.findall(r"<h2 [^>]*>([^<]+)</h2>", response.content.decode())
    assert headings == ["Squat", "Barbell row", "Bench press"]
    text = text_of(response)
    assert "Est. 1RM 175 kg" in text  # 150 x 35/30
    assert "Workout volume 750 kg" in text
    for exercise in (squat, row, bench):
        assert f'href="{exercise_url(exercise.pk)}"' in response.content.decode()
    audit_page(response)


def test_the_pages_cost_the_same_queries_for_one_record_or_many(logged_in_client, push_day, bench):
    log_set(push_day, bench, "100", 5)
    with CaptureQueriesContext(connection) as list_of_one:
        logged_in_client.get(RECORDS_URL)
    with CaptureQueriesContext(connection) as page_of_one:
        logged_in_client.get(exercise_url(bench.pk))
    for _ in range(10):
        log_set(push_day, ExerciseFactory(), "100", 5)
        log_set(push_day, bench, "100", 6)

    with CaptureQueriesContext(connection) as list_of_many:
        logged_in_client.get(RECORDS_URL)
    with CaptureQueriesContext(connection) as page_of_many:
        logged_in_client.get(exercise_url(bench.pk))

    assert len(list_of_many) == len(list_of_one) <= 13
    assert len(page_of_many) == len(page_of_one) <= 16


@pytest.mark.parametrize("url", [RECORDS_URL, "/records/exercise/1/"])
def test_the_pages_need_a_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("unit_system", "record", "text"),
    [
        (UnitSystem.METRIC, NewRecord("1rm", "Est. 1RM", Decimal("105")), "est. 1RM 105 kg"),
        (
            UnitSystem.METRIC,
            NewRecord("total_volume", "Workout volume", Decimal("12450.000000000")),
            "workout volume 12,450 kg",
        ),
        (
            UnitSystem.IMPERIAL,
            NewRecord("set_volume", "Set volume", Decimal("510.29141625")),  # 225 lb x 5
            "set volume 1,125 lb",
        ),
    ],
)
def test_a_new_record_reads_as_a_badge_in_the_lifters_unit(user, unit_system, record, text):
    user.unit_system = unit_system
    template = Template("{% load records %}{{ record|record_text:user }}")

    rendered = template.render(Context({"record": record, "user": user}))

    assert rendered == f"New record: {text}"
