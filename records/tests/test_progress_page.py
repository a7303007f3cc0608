"""The exercise page's progress through real requests: the chart of the lifter's own workouts in
their unit, the latest workouts' sets, a bounded number of queries, and nobody else's data."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allworkouts import units
from allworkouts.rls import as_user
from allworkouts.users.models import UnitSystem
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutPlanFactory
from records.selectors import CHART_WORKOUTS, RECENT_WORKOUTS
from records.services import records_recompute_for_workout
from records.tests.history import log_set
from sessions.models import WorkoutSession
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

pytestmark = pytest.mark.django_db

# Session, user, then the request's and the selector's row-level security setting (each set and
# restored) around the exercise, the records, the chart series and the latest workouts' sets;
# six savepoints, as the test runs inside a transaction.
PAGE_QUERIES = 16
TIMES = "\N{MULTIPLICATION SIGN}"


def page_url(exercise):
    return reverse("exercise_records", args=[exercise.pk])


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def markers(html: str, css_class: str) -> list[tuple[float, float]]:
    """The (x, y) of each point of one series of the chart."""
    group = re.search(rf'<g class="chart-series {css_class}">(.*?)</g>', html, re.S)
    if group is None:
        return []
    return [
        (float(x), float(y))
        for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', group.group(1))
    ]


def data_rows(html: str) -> list[list[str]]:
    """The screen readers' table of the chart, row by row."""
    table = re.search(r'<table id="progress-chart-data">.*?<tbody>(.*?)</tbody>', html, re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def latest_workouts(html: str) -> list[tuple[str, list[str]]]:
    """(workout name, [its sets as shown]) of each of the latest workouts, top to bottom."""
    return [
        (
            text_of(re.search(r"<h3 [^>]*>(.*?)</h3>", article, re.S).group(1)),
            [text_of(chip) for chip in re.findall(r"<li>(.*?)</li>", article, re.S)],
        )
        for article in re.findall(r'<article class="card recent-workout".*?</article>', html, re.S)
    ]


def axis_labels(html: str, axis: str) -> list[str]:
    """The tick labels of the chart's "values" or "dates" axis."""
    group = re.search(rf'<g class="chart-labels chart-labels--{axis}">(.*?)</g>', html, re.S)
    return re.findall(r"<text [^>]*>([^<]+)</text>", group.group(1))


def chart_summary(html: str) -> str:
    return re.search(r'<desc id="progress-chart-desc">(.*?)</desc>', html, re.S).group(1)


def workout_on(user, days_ago: int, name: str = "Push day") -> WorkoutSession:
    """A finished workout that started `days_ago` days ago."""
    workout = WorkoutSessionFactory(workout_plan__user=user, workout_plan__name=name)
    started_at = timezone.now() - timedelta(days=days_ago)
    with as_user(user):
        WorkoutSession.all_objects.filter(pk=workout.pk).update(created_at=started_at)
    workout.created_at = started_at
    return workout


def long_history(user, exercise, *, workouts: int) -> None:
    """`workouts` finished workouts of `exercise`, one every other day back from two days ago,
    three sets each. Two statements: factories would take minutes for a long history."""
    plan = WorkoutPlanFactory(user=user, name="Long haul")
    with as_user(user), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH workouts AS (
                INSERT INTO workout_session
                    (user_id, workout_plan_id, name, status, finished_at, version,
                     created_at, updated_at)
                SELECT %(user)s, %(plan)s, %(name)s, 'completed'::session_status_enum, now(), 1,
                       now() - n * interval '2 days', now()
                FROM generate_series(1, %(workouts)s) AS n
                RETURNING id, created_at
            )
            INSERT INTO exercise_session
                (workout_session_id, user_id, exercise_id, set_number, reps, weight,
                 idempotency_key, version, created_at, updated_at)
            SELECT w.id, %(user)s, %(exercise)s, set_number, 5,
                   60 + w.id %% 20 + set_number * 5, gen_random_uuid(), 1,
                   w.created_at, w.created_at
            FROM workouts w CROSS JOIN generate_series(1, 3) AS set_number
            """,
            {
                "user": user.pk,
                "plan": plan.pk,
                "name": plan.name,
                "workouts": workouts,
                "exercise": exercise.pk,
            },
        )


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def bench(db):
    return ExerciseFactory(name="Bench press")


def test_the_chart_has_one_point_per_workout_of_mine_and_nothing_of_anyone_else(
    logged_in_client, user, other_user, bench
):
    for days_ago, weights in ((20, ["80", "85"]), (10, ["90"]), (1, ["95", "100"])):
        workout = workout_on(user, days_ago)
        for weight in weights:
            log_set(workout, bench, weight, 5)
    log_set(workout_on(user, 5), ExerciseFactory(name="Squat"), "140", 5)
    theirs = workout_on(other_user, 3, name="Their day")
    log_set(theirs, bench, "180", 3)

    response = logged_in_client.get(page_url(bench))

    assert response.status_code == 200
    html = response.content.decode()
    one_rep_max = markers(html, "chart-series--one-rep-max")
    heaviest = markers(html, "chart-series--heaviest")
    assert len(one_rep_max) == len(heaviest) == 3
    assert [x for x, _ in one_rep_max] == sorted(x for x, _ in one_rep_max)
    # Best estimates 99.17, 105 and 116.67 kg: each point higher up (smaller y) than the last.
    assert [y for _, y in one_rep_max] == sorted((y for _, y in one_rep_max), reverse=True)
    assert chart_summary(html) == (
        "Estimated 1RM from 99.17 kg to 116.67 kg and heaviest weight from 85 kg to 100 kg "
        "over 3 workouts."
    )
    assert data_rows(html) == [
        [f"{(timezone.now() - timedelta(days=days_ago)):%-d %b %Y}", "Push day", estimate, heavy]
        for days_ago, estimate, heavy in (
            (1, "116.67 kg", f"100 kg {TIMES} 5"),
            (10, "105 kg", f"90 kg {TIMES} 5"),
            (20, "99.17 kg", f"85 kg {TIMES} 5"),
        )
    ]
    text = text_of(html)
    assert "Their day" not in text
    assert "180" not in text
    assert "198" not in text  # their estimate, 180 x 33/30
    assert [name for name, _ in latest_workouts(html)] == ["Push day"] * 3


def test_the_chart_is_inline_svg_that_the_strict_csp_allows_and_screen_readers_can_read(
    logged_in_client, user, bench
):
    log_set(workout_on(user, 7), bench, "100", 5)
    log_set(workout_on(user, 1), bench, "105", 5)

    response = logged_in_client.get(page_url(bench))

    html = response.content.decode()
    svg = re.search(r"<svg class=\"chart\"[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="progress-chart-title progress-chart-desc"' in svg
    assert '<title id="progress-chart-title">Bench press: estimated 1RM' in svg
    assert svg.count("<polyline") == 2
    assert "style=" not in svg
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/records[.\w]*css">', html)
    assert len(data_rows(html)) == 2
    audit_page(response)


@pytest.mark.parametrize(
    ("unit_system", "entered", "summary", "unit"),
    [
        (
            UnitSystem.METRIC,
            ("100", "110"),
            "Estimated 1RM from 116.67 kg to 128.33 kg and heaviest weight from 100 kg to 110 kg",
            "kg",
        ),
        (
            UnitSystem.IMPERIAL,
            ("225", "245"),
            "Estimated 1RM from 262.5 lb to 285.83 lb and heaviest weight from 225 lb to 245 lb",
            "lb",
        ),
    ],
)
def test_the_chart_reads_in_the_lifters_unit(
    logged_in_client, user, bench, unit_system, entered, summary, unit
):
    user.unit_system = unit_system
    user.save(update_fields=["unit_system"])
    for days_ago, weight in zip((14, 2), entered, strict=True):
        log_set(workout_on(user, days_ago), bench, units.to_kg(Decimal(weight), unit_system), 5)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert chart_summary(html) == f"{summary} over 2 workouts."
    tick_labels = axis_labels(html, "values")
    assert len(tick_labels) >= 3
    assert all(label.endswith(f" {unit}") for label in tick_labels)
    assert data_rows(html)[0][3] == f"{entered[1]} {unit} {TIMES} 5"
    other_unit = " kg" if unit == "lb" else " lb"
    assert other_unit not in text_of(html)


def test_the_chart_takes_the_records_estimate_and_heaviest_weight_of_each_workout(
    logged_in_client, user, bench
):
    first = workout_on(user, 8)
    log_set(first, bench, "100", 5)  # estimate 116.67
    log_set(first, bench, "110", 1)  # a single: the estimate is the weight
    log_set(first, bench, "120", 15)  # too many reps for an estimate, but the heaviest
    log_set(first, bench, "0", 20)  # an empty bar counts for neither
    second = workout_on(user, 1)
    log_set(second, bench, "120", 2)  # 128
    log_set(second, bench, "120", 4)  # 136: same weight, more reps

    response = logged_in_client.get(page_url(bench))

    html = response.content.decode()
    assert data_rows(html) == [
        [
            f"{timezone.now() - timedelta(days=1):%-d %b %Y}",
            "Push day",
            "136 kg",
            f"120 kg {TIMES} 4",
        ],
        [
            f"{timezone.now() - timedelta(days=8):%-d %b %Y}",
            "Push day",
            "116.67 kg",
            f"120 kg {TIMES} 15",
        ],
    ]
    assert "Est. 1RM: 136 kg" in text_of(html)


def test_a_workout_with_only_high_rep_sets_has_no_estimate_point(logged_in_client, user, bench):
    log_set(workout_on(user, 9), bench, "60", 10)
    log_set(workout_on(user, 5), bench, "50", 20)
    log_set(workout_on(user, 1), bench, "65", 8)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert len(markers(html, "chart-series--one-rep-max")) == 2
    assert len(markers(html, "chart-series--heaviest")) == 3
    assert data_rows(html)[1][2] == "none (no set of 1 to 12 reps)"


def test_a_deleted_workout_leaves_the_chart_and_the_latest_workouts(logged_in_client, user, bench):
    log_set(workout_on(user, 9), bench, "100", 5)
    log_set(workout_on(user, 5), bench, "105", 5)
    deleted = workout_on(user, 1, name="Deleted day")
    log_set(deleted, bench, "150", 5)
    with as_user(user):
        WorkoutSession.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        records_recompute_for_workout(user=user, workout_session_id=deleted.pk)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert len(markers(html, "chart-series--one-rep-max")) == 2
    assert [row[2] for row in data_rows(html)] == ["122.5 kg", "116.67 kg"]
    assert "Deleted day" not in text_of(html)
    assert [name for name, _ in latest_workouts(html)] == ["Push day", "Push day"]


def test_without_workouts_the_page_says_how_to_get_a_chart(logged_in_client, bench):
    response = logged_in_client.get(page_url(bench))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="chart"' not in html
    assert "No sets of Bench press with a weight yet." in text_of(html)
    assert "No workouts with Bench press yet." in text_of(html)
    assert "No records of Bench press yet" in text_of(html)


def test_one_workout_is_not_yet_a_chart_but_its_sets_show(logged_in_client, user, bench):
    workout = workout_on(user, 1)
    log_set(workout, bench, "100", 5)
    log_set(workout, bench, "100", 4)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert '<svg class="chart"' not in html
    assert "One workout with Bench press so far." in text_of(html)
    assert latest_workouts(html) == [("Push day", [f"100 kg {TIMES} 5", f"100 kg {TIMES} 4"])]


def test_bodyweight_sets_list_in_the_latest_workouts_but_draw_no_chart(
    logged_in_client, user, bench
):
    log_set(workout_on(user, 3), bench, "0", 15)
    log_set(workout_on(user, 1), bench, "0", 12)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert '<svg class="chart"' not in html
    assert [sets for _, sets in latest_workouts(html)] == [
        [f"0 kg {TIMES} 12"],
        [f"0 kg {TIMES} 15"],
    ]


def test_the_latest_ten_workouts_show_their_sets_of_the_exercise_in_set_order(
    logged_in_client, user, other_user, bench
):
    squat = ExerciseFactory(name="Squat")
    for days_ago in range(12, 0, -1):
        workout = workout_on(user, days_ago, name=f"Day {days_ago}")
        # Logged out of order (a set corrected later): shown by set number.
        for set_number, weight in ((2, "102.5"), (1, "100"), (3, "105")):
            ExerciseSessionFactory(
                workout_session=workout,
                exercise=bench,
                set_number=set_number,
                weight=Decimal(weight),
                reps=days_ago,
            )
        ExerciseSessionFactory(workout_session=workout, exercise=squat, set_number=4, reps=99)
    log_set(workout_on(user, 0, name="Squat only"), squat, "140", 5)
    log_set(workout_on(other_user, 0, name="Their day"), bench, "100", 5)

    html = logged_in_client.get(page_url(bench)).content.decode()

    shown = latest_workouts(html)
    assert len(shown) == RECENT_WORKOUTS
    assert shown == [
        (
            f"Day {days_ago}",
            [f"{weight} kg {TIMES} {days_ago}" for weight in ("100", "102.5", "105")],
        )
        for days_ago in range(1, 11)
    ]
    text = text_of(html)
    assert "Squat only" not in text
    assert "Their day" not in text
    assert f"{TIMES} 99" not in text


def test_each_latest_workout_links_to_its_workout_page(logged_in_client, user, bench):
    workout = workout_on(user, 1)
    log_set(workout, bench, "100", 5)

    html = logged_in_client.get(page_url(bench)).content.decode()

    assert f'<a href="{reverse("workout", args=[workout.pk])}">Push day</a>' in html


def test_a_long_history_costs_the_same_queries_and_charts_only_the_latest_workouts(
    logged_in_client, user, bench, django_assert_max_num_queries
):
    log_set(workout_on(user, 1), bench, "100", 5)
    with CaptureQueriesContext(connection) as short_history:
        logged_in_client.get(page_url(bench))
    long_history(user, bench, workouts=300)

    with django_assert_max_num_queries(PAGE_QUERIES) as long_history_queries:
        response = logged_in_client.get(page_url(bench))

    assert len(long_history_queries) == len(short_history)
    html = response.content.decode()
    assert len(markers(html, "chart-series--one-rep-max")) == CHART_WORKOUTS
    rows = data_rows(html)
    assert len(rows) == CHART_WORKOUTS
    # The newest workout and the 99 before it; the 201 older ones are left out.
    assert rows[0][0] == f"{timezone.now() - timedelta(days=1):%-d %b %Y}"
    assert rows[-1][0] == f"{timezone.now() - timedelta(days=2 * 99):%-d %b %Y}"
    assert f"of your last {CHART_WORKOUTS}" in text_of(html)
    assert len(latest_workouts(html)) == RECENT_WORKOUTS


def test_an_exercise_that_does_not_exist_is_a_404(logged_in_client, bench):
    response = logged_in_client.get(reverse("exercise_records", args=[bench.pk + 1000]))

    assert response.status_code == 404


def test_the_page_only_answers_get(logged_in_client, bench):
    assert logged_in_client.post(page_url(bench)).status_code == 405
