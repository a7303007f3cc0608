"""The history: the lifter's workouts newest first with their figures, filters kept in the URL,
cursor pagination (Load more through htmx, plain links without it) and its query budget."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from allworkouts.users.models import UnitSystem
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.forms import STALE_CURSOR_MESSAGE, encode_cursor
from sessions.models import SessionStatus
from sessions.selectors import HISTORY_PAGE_SIZE, HistoryCursor
from sessions.tests.history_data import (
    article_ids,
    articles,
    days_ago,
    load_more_url,
    past_workout,
)
from sessions.tests.workout_pages import HTMX, text

pytestmark = pytest.mark.django_db

HISTORY = "/workouts/history/"


@pytest.fixture
def push(user):
    """A plan with bench press and squat slots."""
    plan = WorkoutPlanFactory(user=user, name="Push day")
    return {
        "plan": plan,
        "bench": WorkoutExerciseFactory(workout_plan=plan, exercise__name="Bench press"),
        "squat": WorkoutExerciseFactory(workout_plan=plan, exercise__name="Squat"),
    }


def history(client, query: str = "", **extra):
    response = client.get(f"{HISTORY}?{query}" if query else HISTORY, **extra)
    assert response.status_code == 200, response.content
    assert "HX-Request" in response["Vary"]
    return response.content.decode()


def many_workouts(plan, count: int, *, status=SessionStatus.COMPLETED, name=None, start=1):
    """`count` workouts of `plan`, a day apart, the first `start` days ago going back."""
    return [
        past_workout(plan, started=days_ago(start + number), status=status, name=name)
        for number in range(count)
    ]


def test_the_url_is_the_one_the_nav_links_to(logged_in_client):
    assert reverse("workout_history") == HISTORY
    assert f'href="{HISTORY}"' in history(logged_in_client)


def test_workouts_come_newest_first_with_their_figures(logged_in_client, user, other_user, push):
    bench, squat = push["bench"], push["squat"]
    older = past_workout(
        push["plan"],
        started=days_ago(3),
        minutes=65,
        sets=[(bench, "100", 5), (squat, "140", 5), (squat, "140", 4)],
    )
    # Beats the older workout's set volume and workout volume of bench press, not its 1RM.
    newer = past_workout(
        push["plan"], started=days_ago(1), minutes=48, status="abandoned", sets=[(bench, "90", 8)]
    )
    current = past_workout(push["plan"], started=days_ago(0.01), status="in_progress")
    past_workout(push["plan"], started=days_ago(2), deleted=True, sets=[(bench, "200", 1)])
    theirs = WorkoutExerciseFactory(workout_plan__user=other_user, workout_plan__name="Theirs")
    past_workout(theirs.workout_plan, started=days_ago(0.5), sets=[(theirs, "50", 5)])

    html = history(logged_in_client)

    assert article_ids(html) == [current.pk, newer.pk, older.pk]
    rows = articles(html)
    assert "Push day" in rows[0]
    assert "In progress" in rows[0]
    assert "Duration in progress Sets 0 Volume 0 kg Records 0" in rows[0]
    assert "Abandoned" in rows[1]
    assert "Duration 48 min Sets 1 Volume 720 kg Records 2" in rows[1]
    assert "Completed" in rows[2]
    # 500 + 700 + 560; bench's estimated 1RM and squat's three records.
    assert "Duration 1 h 5 min Sets 3 Volume 1,760 kg Records 4" in rows[2]
    assert older.created_at.strftime("%a %-d %b %Y") in rows[2]
    # The workout in progress opens on the gym floor, a finished one on its read-back page.
    assert f'href="{reverse("workout", args=[current.pk])}"' in html
    assert f'href="{reverse("workout_detail", args=[older.pk])}"' in html
    assert "Theirs" not in html


def test_figures_are_in_the_lifters_unit(logged_in_client, user, push):
    user.unit_system = UnitSystem.IMPERIAL
    user.save()
    past_workout(push["plan"], started=days_ago(1), sets=[(push["bench"], "102.05828325", 10)])

    (row,) = articles(history(logged_in_client))

    assert "Volume 2,250 lb" in row


def test_the_page_is_labelled_and_needs_no_inline_code(logged_in_client, push):
    past_workout(push["plan"], started=days_ago(1))
    response = logged_in_client.get(HISTORY)
    audit_page(response)
    html = response.content.decode()
    assert '<label for="id_q">Workout name</label>' in html
    assert '<label for="id_status">Status</label>' in html
    assert f'href="{reverse("workout_export")}"' in html


def test_filters_by_status_and_name_combine_and_stay_in_the_url(logged_in_client, user, push):
    plan = push["plan"]
    legs_done = past_workout(plan, started=days_ago(1), name="Legs A")
    legs_quit = past_workout(plan, started=days_ago(2), name="LEGS b", status="abandoned")
    push_quit = past_workout(plan, started=days_ago(3), name="Push", status="abandoned")

    assert article_ids(history(logged_in_client, "status=abandoned")) == [
        legs_quit.pk,
        push_quit.pk,
    ]
    assert article_ids(history(logged_in_client, "q=legs")) == [legs_done.pk, legs_quit.pk]
    html = history(logged_in_client, "q=Legs&status=abandoned")
    assert article_ids(html) == [legs_quit.pk]
    # The form shows the filters in force, and offers to clear them.
    assert 'value="Legs"' in html
    assert '<option value="abandoned" selected>' in html
    assert f'<a class="button button--secondary" href="{HISTORY}">Clear filters</a>' in html
    assert "That's every workout that matches." in text(html)

    none = history(logged_in_client, "q=pull&status=completed")
    assert article_ids(none) == []
    assert "No workout matches these filters." in text(none)


def test_the_name_search_is_a_plain_substring_search(logged_in_client, push):
    plan = push["plan"]
    percent = past_workout(plan, started=days_ago(1), name="100% effort")
    past_workout(plan, started=days_ago(2), name="1000 reps")

    assert article_ids(history(logged_in_client, "q=0%25")) == [percent.pk]
    assert article_ids(history(logged_in_client, "q=_")) == []


def test_a_bad_filter_is_shown_and_not_applied(logged_in_client, push):
    workout = past_workout(push["plan"], started=days_ago(1))

    html = history(logged_in_client, "status=finished&q=" + "x" * 101)

    assert article_ids(html) == [workout.pk]
    assert "Select a valid choice. finished is not one of the available choices." in html
    assert "Ensure this value has at most 100 characters (it has 101)." in html


def test_an_empty_history_says_how_to_start(logged_in_client):
    html = history(logged_in_client)
    assert "No workouts yet." in text(html)
    assert 'id="history-more"' not in html


# --------------------------------------------------------------------------------------------
# Pages


def next_page(client, url: str) -> str:
    """Tap Load more: the htmx request its link makes."""
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html
    return html


def test_load_more_appends_the_next_pages_until_the_last(logged_in_client, push):
    workouts = many_workouts(push["plan"], 2 * HISTORY_PAGE_SIZE + 5)

    first = history(logged_in_client)
    assert article_ids(first) == [w.pk for w in workouts[:HISTORY_PAGE_SIZE]]
    more = load_more_url(first)
    assert more.startswith(f"{HISTORY}?after=")
    # Without JavaScript, Load more is a plain link to the same page.
    assert f'href="{more.replace("&", "&amp;")}"' in first
    assert 'hx-target="#history-more" hx-swap="outerHTML"' in first

    second = next_page(logged_in_client, more)
    assert article_ids(second) == [
        w.pk for w in workouts[HISTORY_PAGE_SIZE : 2 * HISTORY_PAGE_SIZE]
    ]
    # The fragment replaces the Load more element: its rows, then the next Load more.
    assert second.lstrip().startswith("<article")

    last = next_page(logged_in_client, load_more_url(second))
    assert article_ids(last) == [w.pk for w in workouts[2 * HISTORY_PAGE_SIZE :]]
    assert load_more_url(last) is None
    assert '<p id="history-more" class="history-end muted">' in last


def test_without_javascript_the_next_page_is_a_page_of_its_own(logged_in_client, push):
    workouts = many_workouts(push["plan"], HISTORY_PAGE_SIZE + 3)
    more = load_more_url(history(logged_in_client))

    html = history(logged_in_client, urlsplit(more).query)

    assert "<html" in html
    assert article_ids(html) == [w.pk for w in workouts[HISTORY_PAGE_SIZE:]]
    assert f'<a href="{HISTORY}">Back to the newest workouts</a>' in html


def test_pages_keep_the_filters(logged_in_client, push):
    plan = push["plan"]
    wanted = many_workouts(plan, HISTORY_PAGE_SIZE + 2, status="abandoned", name="Legs")
    many_workouts(plan, 5, status="abandoned", name="Arms", start=100)
    many_workouts(plan, 5, name="Legs", start=200)

    first = history(logged_in_client, "q=legs&status=abandoned")
    more = load_more_url(first)
    assert parse_qs(urlsplit(more).query).keys() == {"q", "status", "after"}

    second = next_page(logged_in_client, more)
    assert article_ids(first) + article_ids(second) == [w.pk for w in wanted]


def test_workouts_started_at_the_same_moment_are_neither_skipped_nor_repeated(
    logged_in_client, user, push
):
    moment = days_ago(1)
    workouts = [past_workout(push["plan"], started=moment) for _ in range(HISTORY_PAGE_SIZE + 4)]

    first = history(logged_in_client)
    second = next_page(logged_in_client, load_more_url(first))

    shown = article_ids(first) + article_ids(second)
    assert shown == sorted((w.pk for w in workouts), reverse=True)


def test_a_workout_logged_meanwhile_does_not_shift_the_pages(logged_in_client, push):
    workouts = many_workouts(push["plan"], HISTORY_PAGE_SIZE + 3)
    first = history(logged_in_client)
    past_workout(push["plan"], started=days_ago(0.1))

    second = next_page(logged_in_client, load_more_url(first))

    assert article_ids(second) == [w.pk for w in workouts[HISTORY_PAGE_SIZE:]]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        # A cursor signed with another salt (as any other signed value of the site is).
        signing.Signer(salt="another").sign_object(["2020-01-01T00:00:00+00:00", 1]),
        # A genuine cursor, edited by hand.
        "TAMPER",
    ],
    ids=["garbage", "other-signature", "tampered"],
)
def test_a_bad_cursor_shows_the_first_page_with_a_note_and_htmx_gets_400(
    logged_in_client, push, cursor
):
    workouts = many_workouts(push["plan"], HISTORY_PAGE_SIZE + 1)
    if cursor == "TAMPER":
        genuine = parse_qs(urlsplit(load_more_url(history(logged_in_client))).query)["after"][0]
        payload, signature = genuine.rsplit(":", 1)
        cursor = f"{payload[:-2]}xx:{signature}"

    html = history(logged_in_client, f"after={cursor}")

    assert STALE_CURSOR_MESSAGE in html
    assert article_ids(html)[0] == workouts[0].pk
    response = logged_in_client.get(HISTORY, {"after": cursor}, **HTMX)
    assert response.status_code == 400


def test_a_cursor_past_the_oldest_workout_shows_an_empty_last_page(logged_in_client, push):
    workouts = many_workouts(push["plan"], HISTORY_PAGE_SIZE + 1)
    last = next_page(logged_in_client, load_more_url(history(logged_in_client)))
    assert article_ids(last) == [workouts[-1].pk]
    # A page link kept from before the oldest workout was deleted: nothing older is left.
    cursor = encode_cursor(
        HistoryCursor(created_at=workouts[-1].created_at - timedelta(days=1), workout_id=1)
    )
    html = history(logged_in_client, f"after={cursor}")
    assert article_ids(html) == []
    assert "No older workouts." in text(html)
    assert 'id="history-more"' not in html


# --------------------------------------------------------------------------------------------
# Query budget

# Per request: the session, the user, and the row-level security setting (which, inside a test's
# transaction, comes with a savepoint, the setting put back and the savepoint released); then the
# page itself, one query: the workouts with their sets, volume and records.
HISTORY_QUERIES = 7


def workout_with_sets(plan, slots, *, days: float):
    return past_workout(
        plan,
        started=days_ago(days),
        sets=[(slot, "60", 8) for slot in slots for _ in range(3)],
    )


@pytest.mark.parametrize("workout_count", [HISTORY_PAGE_SIZE + 1, 3 * HISTORY_PAGE_SIZE])
def test_every_page_costs_the_same_few_queries(
    logged_in_client, push, django_assert_num_queries, workout_count
):
    slots = [push["bench"], push["squat"]] + [
        WorkoutExerciseFactory(workout_plan=push["plan"], exercise=ExerciseFactory())
        for _ in range(2)
    ]
    for day in range(workout_count):
        workout_with_sets(push["plan"], slots, days=day + 1)

    with django_assert_num_queries(HISTORY_QUERIES) as first_page:
        first = history(logged_in_client)
    with django_assert_num_queries(HISTORY_QUERIES) as second_page:
        second = next_page(logged_in_client, load_more_url(first))
    with django_assert_num_queries(HISTORY_QUERIES) as filtered_page:
        history(logged_in_client, f"status=completed&q=push&{urlsplit(load_more_url(first)).query}")

    for page in (first_page, second_page, filtered_page):
        reads = [query for query in page.captured_queries if "exercise_session" in query["sql"]]
        assert len(reads) == 1

    assert len(article_ids(first)) == HISTORY_PAGE_SIZE
    assert all("Sets 12 Volume 5,760 kg" in row for row in articles(first + second))


def test_the_undo_offer_names_the_deleted_workout_only(logged_in_client, other_user, push):
    deleted = past_workout(push["plan"], started=days_ago(1), deleted=True)
    kept = past_workout(push["plan"], started=days_ago(2))
    theirs = WorkoutExerciseFactory(workout_plan__user=other_user)
    their_deleted = past_workout(theirs.workout_plan, started=days_ago(1), deleted=True)

    html = history(logged_in_client, f"undo={deleted.pk}")
    assert "Deleted “Push day”." in text(html)
    assert f'action="{reverse("workout_restore", args=[deleted.pk])}"' in html

    for undo in (kept.pk, their_deleted.pk, "x", "-1"):
        html = history(logged_in_client, f"undo={undo}")
        assert "Restore" not in html
        assert re.search(r"Deleted “", html) is None
