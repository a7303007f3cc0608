"""The plan list and the plan editor through real requests: plain posts and htmx swaps."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.models import UserEquipment
from allworkouts.users.tests.markup import audit_page
from catalog.models import BODYWEIGHT
from catalog.tests.factories import EquipmentFactory, ExerciseFactory
from plans.models import WorkoutExercise, WorkoutPlan
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from plans.views import CONFLICT_MESSAGE
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
LIST_URL = reverse("plan_list")


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def push(user):
    """A plan of three exercises: Bench Press, Overhead Press, Dips."""
    plan = WorkoutPlanFactory(user=user, name="Push")
    for sequence, name in enumerate(["Bench Press", "Overhead Press", "Dips"], start=1):
        WorkoutExerciseFactory(
            workout_plan=plan, exercise=ExerciseFactory(name=name), sequence=sequence
        )
    return plan


def editor_url(plan) -> str:
    return reverse("plan_editor", args=[plan.pk])


def current(user, plan) -> WorkoutPlan:
    with as_user(user):
        return WorkoutPlan.all_objects.get(pk=plan.pk)


def slots(user, plan) -> list[WorkoutExercise]:
    with as_user(user), connection.cursor() as cursor:
        # A commit would check the deferred (plan, sequence) constraint: check it now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Back to deferred, as the next transaction would start: later edits in this test's
        # transaction may swap positions again.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return list(
            WorkoutExercise.objects.filter(workout_plan=plan)
            .select_related("exercise")
            .order_by("sequence")
        )


def slot_names(user, plan) -> list[tuple[int, str]]:
    return [(slot.sequence, slot.exercise.name) for slot in slots(user, plan)]


def slot_named(user, plan, name) -> WorkoutExercise:
    return next(slot for slot in slots(user, plan) if slot.exercise.name == name)


def html_of(response) -> str:
    """The page with character references resolved, as a reader sees its text."""
    return unescape(response.content.decode())


def assert_partial(response, element_id: str):
    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert re.match(rf'\s*<(section|div) id="{element_id}"', html), html[:200]
    assert "HX-Request" in response["Vary"]


def slot_form_data(user, plan, slot, **numbers) -> dict:
    prefix = f"slot-{slot.pk}"
    values = {
        "version": current(user, plan).version,
        "exercise_version": slot.version,
        "sets": slot.sets,
        "reps_min": slot.reps_min,
        "reps_max": slot.reps_max,
        "rest_time_seconds": slot.rest_time_seconds,
    } | numbers
    return {f"{prefix}-{name}": value for name, value in values.items()}


# --------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_the_users_plans_most_recently_used_first(logged_in_client, user):
    now = timezone.now()
    trained_last_week = WorkoutPlanFactory(user=user, name="Trained last week")
    trained_today = WorkoutPlanFactory(user=user, name="Trained today")
    edited_yesterday = WorkoutPlanFactory(user=user, name="Edited yesterday, never trained")
    edited_long_ago = WorkoutPlanFactory(user=user, name="Edited long ago, never trained")
    WorkoutPlanFactory(name="Someone else's plan")
    with as_user(user):
        for plan, age in [
            (trained_last_week, 30),
            (trained_today, 30),
            (edited_yesterday, 1),
            (edited_long_ago, 20),
        ]:
            WorkoutPlan.objects.filter(pk=plan.pk).update(updated_at=now - timedelta(days=age))
    for plan, age in [(trained_last_week, 7), (trained_last_week, 12), (trained_today, 0)]:
        workout = WorkoutSessionFactory(workout_plan=plan)
        with as_user(user):
            type(workout).objects.filter(pk=workout.pk).update(created_at=now - timedelta(days=age))

    response = logged_in_client.get(LIST_URL)

    names = re.findall(r'class="plan-card-name" href="[^"]+">([^<]+)<', html_of(response))
    assert names == [
        "Trained today",
        "Edited yesterday, never trained",
        "Trained last week",
        "Edited long ago, never trained",
    ]
    assert "last trained 1" in html_of(response)
    audit_page(response)


def test_creating_a_plan_opens_its_editor(logged_in_client, user):
    response = logged_in_client.post(reverse("plan_create"), {"name": "  Legs  "})

    with as_user(user):
        plan = WorkoutPlan.objects.get(user=user)
    assert plan.name == "Legs"
    assert response.status_code == 302
    assert response["Location"] == editor_url(plan)


def test_creating_a_plan_with_htmx_redirects_the_browser(logged_in_client, user):
    response = logged_in_client.post(reverse("plan_create"), {"name": "Legs"}, **HTMX)

    with as_user(user):
        plan = WorkoutPlan.objects.get(user=user)
    assert response["HX-Redirect"] == editor_url(plan)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the plan a name."),
        ("A" * 101, "Keep the name to 100 characters (it has 101)."),
    ],
)
def test_a_bad_name_is_refused_next_to_the_field_keeping_the_input(
    logged_in_client, user, htmx, name, message
):
    response = logged_in_client.post(
        reverse("plan_create"), {"name": name}, **(HTMX if htmx else {})
    )

    html = html_of(response)
    assert response.status_code == 200
    assert re.search(
        rf'<ul class="errorlist" id="id_name_error"><li>{re.escape(message)}</li></ul>\s*'
        rf'<input type="text" name="name" value="{name}"',
        html,
    )
    assert ("<html" in html) is not htmx
    with as_user(user):
        assert not WorkoutPlan.all_objects.exists()


def test_duplicating_copies_the_exercises_in_order(logged_in_client, user, push):
    response = logged_in_client.post(reverse("plan_duplicate", args=[push.pk]), **HTMX)

    assert_partial(response, "plan-list")
    assert "Copied as “Push (copy)”." in html_of(response)
    with as_user(user):
        copy = WorkoutPlan.objects.get(name="Push (copy)")
    assert slot_names(user, copy) == slot_names(user, push)
    assert [name for _sequence, name in slot_names(user, copy)] == [
        "Bench Press",
        "Overhead Press",
        "Dips",
    ]


def test_a_plain_duplicate_redirects_to_the_list(logged_in_client, push):
    response = logged_in_client.post(reverse("plan_duplicate", args=[push.pk]), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Copied as “Push (copy)”." in html_of(response)


def test_deleting_with_htmx_offers_an_undo_that_restores_the_plan(logged_in_client, user, push):
    response = logged_in_client.post(reverse("plan_delete", args=[push.pk]), **HTMX)

    assert_partial(response, "plan-list")
    html = html_of(response)
    assert "Deleted “Push”." in html
    assert f'hx-post="{reverse("plan_restore", args=[push.pk])}"' in html
    assert 'class="plan-card-name"' not in html
    assert current(user, push).deleted_at is not None

    response = logged_in_client.post(
        reverse("plan_restore", args=[push.pk]), {"back_to": "list"}, **HTMX
    )

    assert_partial(response, "plan-list")
    assert "Restored “Push”." in html_of(response)
    assert current(user, push).deleted_at is None
    assert len(slots(user, push)) == 3


def test_a_plain_delete_redirects_to_the_list_with_an_undo(logged_in_client, user, push):
    response = logged_in_client.post(reverse("plan_delete", args=[push.pk]), follow=True)

    assert response.redirect_chain == [(f"{LIST_URL}?undo={push.pk}", 302)]
    assert "Deleted “Push”." in html_of(response)
    assert logged_in_client.get(editor_url(push)).status_code == 404

    response = logged_in_client.post(
        reverse("plan_restore", args=[push.pk]), {"back_to": "list"}, follow=True
    )

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Restored “Push”." in html_of(response)
    assert logged_in_client.get(editor_url(push)).status_code == 200


def test_recently_deleted_lists_deleted_plans_to_restore(logged_in_client, user, push):
    kept = WorkoutPlanFactory(user=user, name="Legs")
    logged_in_client.post(reverse("plan_delete", args=[push.pk]))

    page = logged_in_client.get(reverse("plan_deleted"))

    assert "Push" in html_of(page)
    assert kept.name not in html_of(page)
    audit_page(page)

    response = logged_in_client.post(
        reverse("plan_restore", args=[push.pk]), {"back_to": "deleted"}, **HTMX
    )

    assert_partial(response, "plan-deleted-list")
    assert "Restored “Push”." in html_of(response)
    assert "No deleted plans." in html_of(response)


@pytest.mark.parametrize("undo", ["\N{SUPERSCRIPT TWO}", "9" * 30, "-1", "x"])
def test_an_undo_parameter_that_is_no_id_is_ignored(logged_in_client, push, undo):
    response = logged_in_client.get(LIST_URL, {"undo": undo})

    assert response.status_code == 200
    assert "Undo" not in html_of(response)


def test_the_undo_link_of_someone_elses_plan_shows_nothing(client, user, other_user, push):
    client.force_login(user)
    client.post(reverse("plan_delete", args=[push.pk]))
    client.force_login(other_user)

    response = client.get(f"{LIST_URL}?undo={push.pk}")

    assert "Push" not in html_of(response)


# --------------------------------------------------------------------------------------------
# The editor


def test_the_editor_shows_the_exercises_in_order_with_labelled_inputs(logged_in_client, push):
    response = logged_in_client.get(editor_url(push))

    html = html_of(response)
    assert response.status_code == 200
    names = re.findall(r'<h3 class="plan-slot-name">([^<]+)</h3>', html)
    assert names == ["Bench Press", "Overhead Press", "Dips"]
    assert 'aria-label="Move Bench Press up" aria-disabled="true"' in html
    assert 'aria-label="Move Dips down" aria-disabled="true"' in html
    assert 'aria-label="Move Overhead Press up">' in html
    audit_page(response)


def test_adding_an_exercise_prefills_its_defaults(logged_in_client, user, push):
    fly = ExerciseFactory(name="Cable Fly", default_reps=15, default_rest_time_seconds=60)

    response = logged_in_client.post(
        reverse("plan_exercise_add", args=[push.pk]),
        {"version": 1, "exercise": fly.pk, "q": "fly"},
        **HTMX,
    )

    assert_partial(response, "plan-editor")
    html = html_of(response)
    assert "Added Cable Fly." in html
    added = slot_named(user, push, "Cable Fly")
    assert (added.sequence, added.sets, added.reps_min, added.reps_max) == (4, 3, 15, 15)
    assert added.rest_time_seconds == 60
    assert f'name="slot-{added.pk}-reps_min" value="15"' in html
    # The search stays, listed with the new version, ready for the next exercise.
    assert re.search(r'name="version" value="2">\s*<input type="hidden" name="exercise"', html)
    assert 'name="q" value="fly"' in html


def test_an_add_carrying_a_search_that_does_not_read_back_adds_and_drops_the_search(
    logged_in_client, user, push
):
    fly = ExerciseFactory(name="Cable Fly")

    response = logged_in_client.post(
        reverse("plan_exercise_add", args=[push.pk]),
        {"version": 1, "exercise": fly.pk, "q": "fly", "muscle": "1e308"},
        **HTMX,
    )

    assert "Added Cable Fly." in html_of(response)
    assert 'class="errorlist' not in html_of(response)
    assert slot_names(user, push)[-1] == (4, "Cable Fly")


def test_a_plain_add_redirects_to_the_editor(logged_in_client, user, push):
    fly = ExerciseFactory(name="Cable Fly")

    response = logged_in_client.post(
        reverse("plan_exercise_add", args=[push.pk]),
        {"version": 1, "exercise": fly.pk},
        follow=True,
    )

    assert response.redirect_chain == [(editor_url(push), 302)]
    assert "Added Cable Fly." in html_of(response)
    assert slot_names(user, push)[-1] == (4, "Cable Fly")


@pytest.fixture
def gym(user):
    """Barbell owned, Kettlebell owned once but given up, Bodyweight never ticked."""
    equipment = {
        name: EquipmentFactory(name=name) for name in ["Barbell", "Kettlebell", BODYWEIGHT]
    }
    with as_user(user):
        UserEquipment.objects.create(user=user, equipment=equipment["Barbell"])
        UserEquipment.objects.create(
            user=user, equipment=equipment["Kettlebell"], deleted_at=timezone.now()
        )
    return equipment


def test_adding_an_exercise_that_needs_unowned_equipment_warns_but_adds_it(
    logged_in_client, user, push, gym
):
    swing = ExerciseFactory(name="Kettlebell Swing", equipment=[gym["Kettlebell"]])

    response = logged_in_client.post(
        reverse("plan_exercise_add", args=[push.pk]), {"version": 1, "exercise": swing.pk}, **HTMX
    )

    html = html_of(response)
    assert (
        "Kettlebell Swing needs equipment you haven't marked as yours: Kettlebell. "
        "It was added anyway."
    ) in html
    assert "Needs equipment you haven't marked as yours: Kettlebell" in html
    assert slot_names(user, push)[-1] == (4, "Kettlebell Swing")


def test_a_plain_add_of_such_an_exercise_warns_on_the_next_page(logged_in_client, user, push, gym):
    swing = ExerciseFactory(name="Kettlebell Swing", equipment=[gym["Kettlebell"]])

    response = logged_in_client.post(
        reverse("plan_exercise_add", args=[push.pk]),
        {"version": 1, "exercise": swing.pk},
        follow=True,
    )

    assert "needs equipment you haven't marked as yours: Kettlebell" in html_of(response)


def test_owned_equipment_and_bodyweight_raise_no_warning(logged_in_client, user, push, gym):
    squat = ExerciseFactory(name="Back Squat", equipment=[gym["Barbell"]])
    dips = ExerciseFactory(name="Ring Dips", equipment=[gym[BODYWEIGHT]])

    for exercise, version in [(squat, 1), (dips, 2)]:
        response = logged_in_client.post(
            reverse("plan_exercise_add", args=[push.pk]),
            {"version": version, "exercise": exercise.pk},
            **HTMX,
        )
        assert "haven't marked" not in html_of(response)
        assert "haven't marked" not in html_of(response)


def picker_names(response) -> list[str]:
    return re.findall(r'<span class="picker-item-name">([^<]+)</span>', html_of(response))


@pytest.fixture
def catalog(gym):
    barbell, kettlebell = gym["Barbell"], gym["Kettlebell"]
    return {
        "ohp": ExerciseFactory(
            name="Overhead Press (Barbell)",
            aliases=["OHP", "Military Press"],
            primary_muscle_groups=["shoulders"],
            equipment=[barbell],
        ),
        "press": ExerciseFactory(
            name="Kettlebell Press", primary_muscle_groups=["shoulders"], equipment=[kettlebell]
        ),
        "row": ExerciseFactory(
            name="Pendlay Row", primary_muscle_groups=["upper_back"], equipment=[barbell]
        ),
        "pullup": ExerciseFactory(
            name="Pull-Up", aliases=["Chin-up"], primary_muscle_groups=["lats"]
        ),
        "retired": ExerciseFactory(name="Press Behind Neck", retired_at=timezone.now()),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"q": "PRESS"},
            ["Bench Press", "Kettlebell Press", "Overhead Press", "Overhead Press (Barbell)"],
        ),
        ({"q": "ohp"}, ["Overhead Press (Barbell)"]),
        ({"q": "military"}, ["Overhead Press (Barbell)"]),
        ({"q": "pullup"}, ["Pull-Up"]),
        ({"q": "chin up"}, ["Pull-Up"]),
        ({"q": "press", "muscle": "shoulders"}, ["Kettlebell Press", "Overhead Press (Barbell)"]),
        ({"q": "press", "equipment": "Kettlebell"}, ["Kettlebell Press"]),
        ({"muscle": "upper_back"}, ["Pendlay Row"]),
        ({"q": "neck"}, []),
    ],
)
def test_the_picker_searches_names_and_aliases_with_filters(
    logged_in_client, push, catalog, gym, query, expected
):
    if "equipment" in query:
        query = query | {"equipment": gym[query["equipment"]].pk}
    url = reverse("plan_exercise_search", args=[push.pk])

    response = logged_in_client.get(url, query, **HTMX)

    assert_partial(response, "exercise-picker-results")
    assert picker_names(response) == expected


def test_the_picker_marks_exercises_needing_unowned_equipment(logged_in_client, push, catalog):
    response = logged_in_client.get(
        reverse("plan_exercise_search", args=[push.pk]), {"q": "press", "muscle": "shoulders"}
    )

    html = html_of(response)
    assert "<html" in html
    items = re.findall(r'<li class="picker-item">(.*?)</li>', html, re.S)
    assert len(items) == 2
    assert "Needs Kettlebell, which you haven't marked as yours" in items[0]
    assert "Needs" not in items[1]
    audit_page(response)


def test_the_editor_page_runs_the_picker_search_without_javascript(logged_in_client, push, catalog):
    response = logged_in_client.get(editor_url(push), {"q": "row"})

    assert picker_names(response) == ["Pendlay Row"]
    assert 'value="row"' in html_of(response)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_updating_an_exercise_saves_the_numbers(logged_in_client, user, push, htmx):
    slot = slot_named(user, push, "Dips")

    response = logged_in_client.post(
        reverse("plan_exercise_update", args=[push.pk, slot.pk]),
        slot_form_data(user, push, slot, sets=4, reps_min=6, reps_max=10, rest_time_seconds=120),
        **(HTMX if htmx else {}),
    )

    if htmx:
        assert_partial(response, "plan-editor")
        assert "Saved." in html_of(response)
    else:
        assert response.status_code == 302
    saved = slot_named(user, push, "Dips")
    assert (saved.sets, saved.reps_min, saved.reps_max, saved.rest_time_seconds) == (4, 6, 10, 120)
    assert (saved.version, current(user, push).version) == (2, 2)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("numbers", "field", "message"),
    [
        ({"sets": "0"}, "sets", "Enter sets from 1 to 20."),
        ({"sets": "21"}, "sets", "Enter sets from 1 to 20."),
        ({"reps_min": "0"}, "reps_min", "Enter reps from 1 to 100."),
        (
            {"reps_min": "12", "reps_max": "8"},
            "reps_max",
            "Max reps must be at least the min reps.",
        ),
        ({"reps_max": "101"}, "reps_max", "Enter reps from 1 to 100."),
        ({"rest_time_seconds": "901"}, "rest_time_seconds", "Enter seconds from 0 to 900."),
        ({"rest_time_seconds": "ninety"}, "rest_time_seconds", "Enter seconds from 0 to 900."),
    ],
)
def test_bad_numbers_are_refused_next_to_the_field_keeping_the_input(
    logged_in_client, user, push, htmx, numbers, field, message
):
    slot = slot_named(user, push, "Bench Press")

    response = logged_in_client.post(
        reverse("plan_exercise_update", args=[push.pk, slot.pk]),
        slot_form_data(user, push, slot, **numbers),
        **(HTMX if htmx else {}),
    )

    html = html_of(response)
    assert response.status_code == 200
    field_id = f"id_slot-{slot.pk}-{field}"
    assert re.search(
        rf'<input type="number" name="slot-{slot.pk}-{field}" value="{numbers[field]}"[^>]*'
        rf'aria-invalid="true" aria-describedby="{field_id}_error" id="{field_id}">\s*'
        rf'<ul class="errorlist" id="{field_id}_error"><li>{re.escape(message)}</li></ul>',
        html,
    )
    assert ("<html" in html) is not htmx
    unchanged = slot_named(user, push, "Bench Press")
    assert (unchanged.sets, unchanged.version) == (slot.sets, 1)
    assert current(user, push).version == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_moving_up_and_down_keeps_positions_unique_and_contiguous(
    logged_in_client, user, push, htmx
):
    dips = slot_named(user, push, "Dips")
    url = reverse("plan_exercise_move", args=[push.pk, dips.pk])

    logged_in_client.post(
        url, {"version": 1, "exercise_version": 1, "direction": "up"}, **(HTMX if htmx else {})
    )
    assert slot_names(user, push) == [(1, "Bench Press"), (2, "Dips"), (3, "Overhead Press")]

    response = logged_in_client.post(
        url, {"version": 2, "exercise_version": 2, "direction": "up"}, **(HTMX if htmx else {})
    )
    assert slot_names(user, push) == [(1, "Dips"), (2, "Bench Press"), (3, "Overhead Press")]
    if htmx:
        assert_partial(response, "plan-editor")
        names = re.findall(r'<h3 class="plan-slot-name">([^<]+)</h3>', html_of(response))
        assert names == ["Dips", "Bench Press", "Overhead Press"]

    logged_in_client.post(
        url, {"version": 3, "exercise_version": 3, "direction": "down"}, **(HTMX if htmx else {})
    )
    assert slot_names(user, push) == [(1, "Bench Press"), (2, "Dips"), (3, "Overhead Press")]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_removing_keeps_the_order_of_the_rest(logged_in_client, user, push, htmx):
    bench = slot_named(user, push, "Bench Press")

    response = logged_in_client.post(
        reverse("plan_exercise_remove", args=[push.pk, bench.pk]),
        {"version": 1, "exercise_version": 1},
        **(HTMX if htmx else {}),
    )

    assert response.status_code == (200 if htmx else 302)
    assert slot_names(user, push) == [(2, "Overhead Press"), (3, "Dips")]


def test_renaming_saves_the_name(logged_in_client, user, push):
    response = logged_in_client.post(
        reverse("plan_rename", args=[push.pk]), {"version": 1, "name": " Push A "}, **HTMX
    )

    assert_partial(response, "plan-editor")
    assert '<h1 id="plan-editor-heading">Push A</h1>' in html_of(response)
    assert current(user, push).name == "Push A"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("plan_rename", lambda slot: {"version": 1, "name": "Push from tab two"}),
        ("plan_exercise_add", lambda slot: {"version": 1, "exercise": slot.exercise_id}),
        (
            "plan_exercise_update",
            lambda slot: {
                f"slot-{slot.pk}-{k}": v
                for k, v in {
                    "version": 1,
                    "exercise_version": 1,
                    "sets": 9,
                    "reps_min": 1,
                    "reps_max": 1,
                    "rest_time_seconds": 1,
                }.items()
            },
        ),
        (
            "plan_exercise_move",
            lambda slot: {"version": 1, "exercise_version": 1, "direction": "up"},
        ),
        ("plan_exercise_remove", lambda slot: {"version": 1, "exercise_version": 1}),
    ],
)
@pytest.mark.parametrize(
    ("moved_in_another_tab", "direction", "order_now"),
    [
        ("Dips", "up", ["Bench Press", "Dips", "Overhead Press"]),
        # Dips itself is untouched: only the plan's version tells the page is stale.
        ("Bench Press", "down", ["Overhead Press", "Bench Press", "Dips"]),
    ],
)
def test_an_edit_from_a_stale_page_is_refused_with_the_current_state(
    logged_in_client, user, push, htmx, url_name, data, moved_in_another_tab, direction, order_now
):
    dips = slot_named(user, push, "Dips")
    logged_in_client.post(
        reverse(
            "plan_exercise_move", args=[push.pk, slot_named(user, push, moved_in_another_tab).pk]
        ),
        {"version": 1, "exercise_version": 1, "direction": direction},
    )
    before = [(s.pk, s.sequence, s.sets, s.version) for s in slots(user, push)]
    args = [push.pk] if url_name in ("plan_rename", "plan_exercise_add") else [push.pk, dips.pk]

    response = logged_in_client.post(
        reverse(url_name, args=args), data(dips), **(HTMX if htmx else {})
    )

    html = html_of(response)
    assert response.status_code == 200
    assert CONFLICT_MESSAGE in html
    assert ("<html" in html) is not htmx
    names = re.findall(r'<h3 class="plan-slot-name">([^<]+)</h3>', html)
    assert names == order_now
    assert re.search(r'name="version" value="2"', html)
    assert not re.search(r'name="(slot-\d+-)?version" value="1"', html)
    assert [(s.pk, s.sequence, s.sets, s.version) for s in slots(user, push)] == before
    plan = current(user, push)
    assert (plan.name, plan.version) == ("Push", 2)


def test_an_exercise_with_logged_sets_leaves_the_plan_without_changing_history(
    logged_in_client, user, push
):
    bench = slot_named(user, push, "Bench Press")
    logged = ExerciseSessionFactory(
        workout_session=WorkoutSessionFactory(workout_plan=push),
        exercise=bench.exercise,
        workout_exercise=bench,
    )

    response = logged_in_client.post(
        reverse("plan_exercise_remove", args=[push.pk, bench.pk]),
        {"version": 1, "exercise_version": 1},
        **HTMX,
    )

    assert_partial(response, "plan-editor")
    assert "Bench Press" not in [slot.exercise.name for slot in slots(user, push)]
    assert len(slots(user, push)) == 2
    with as_user(user):
        logged.refresh_from_db()
    assert logged.workout_exercise_id == bench.pk


def test_a_post_without_its_version_is_a_bad_request(logged_in_client, user, push):
    bench = slot_named(user, push, "Bench Press")

    responses = [
        logged_in_client.post(reverse("plan_rename", args=[push.pk]), {"name": "X"}),
        logged_in_client.post(
            reverse("plan_exercise_move", args=[push.pk, bench.pk]), {"direction": "up"}
        ),
        logged_in_client.post(
            reverse("plan_exercise_update", args=[push.pk, bench.pk]),
            {f"slot-{bench.pk}-sets": 3},
        ),
    ]

    assert [response.status_code for response in responses] == [400, 400, 400]
    assert current(user, push).version == 1


# --------------------------------------------------------------------------------------------
# Ownership


def other_users_views(plan, slot):
    p, s = plan.pk, slot.pk
    return [
        ("get", reverse("plan_editor", args=[p]), {}),
        ("get", reverse("plan_exercise_search", args=[p]), {"q": "press"}),
        ("post", reverse("plan_rename", args=[p]), {"version": 1, "name": "Mine"}),
        ("post", reverse("plan_duplicate", args=[p]), {}),
        ("post", reverse("plan_delete", args=[p]), {}),
        ("post", reverse("plan_restore", args=[p]), {"back_to": "list"}),
        ("post", reverse("plan_exercise_add", args=[p]), {"version": 1, "exercise": 1}),
        (
            "post",
            reverse("plan_exercise_update", args=[p, s]),
            {
                f"slot-{s}-{k}": 1
                for k in [
                    "version",
                    "exercise_version",
                    "sets",
                    "reps_min",
                    "reps_max",
                    "rest_time_seconds",
                ]
            },
        ),
        (
            "post",
            reverse("plan_exercise_move", args=[p, s]),
            {"version": 1, "exercise_version": 1, "direction": "up"},
        ),
        (
            "post",
            reverse("plan_exercise_remove", args=[p, s]),
            {"version": 1, "exercise_version": 1},
        ),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_another_users_plan_is_not_found_on_every_view(client, user, other_user, push, htmx):
    client.force_login(other_user)
    bench = slot_named(user, push, "Bench Press")

    statuses = {
        url: getattr(client, method)(url, data, **(HTMX if htmx else {})).status_code
        for method, url, data in other_users_views(push, bench)
    }

    assert set(statuses.values()) == {404}, statuses
    plan = current(user, push)
    assert (plan.name, plan.version, plan.deleted_at) == ("Push", 1, None)
    assert slot_names(user, push) == [(1, "Bench Press"), (2, "Overhead Press"), (3, "Dips")]


def test_another_users_exercise_in_my_own_plan_is_not_found(
    logged_in_client, user, other_user, push
):
    theirs = WorkoutExerciseFactory(workout_plan=WorkoutPlanFactory(user=other_user))
    mine = WorkoutPlanFactory(user=user, name="Mine")
    own_slot_elsewhere = WorkoutExerciseFactory(workout_plan=mine)

    for slot in (theirs, own_slot_elsewhere):
        for method, url, data in other_users_views(push, slot)[-3:]:
            assert getattr(logged_in_client, method)(url, data).status_code == 404, url
    with as_user(other_user):
        assert WorkoutExercise.objects.get(pk=theirs.pk).version == 1


def test_a_deleted_plan_is_not_found_in_the_editor(logged_in_client, user, push):
    logged_in_client.post(reverse("plan_delete", args=[push.pk]))
    bench = slot_named(user, push, "Bench Press")

    statuses = [
        getattr(logged_in_client, method)(url, data).status_code
        for method, url, data in other_users_views(push, bench)
        if "restore" not in url
    ]

    assert set(statuses) == {404}


# --------------------------------------------------------------------------------------------
# Cost


# Session and user (2), the request's row-level security transaction and the view's savepoint
# (in a test both are savepoints: 6), the editor selector's own as_user block (4), then the data:
# plan, its exercises, their equipment, the user's equipment, the picker's equipment filter, the
# search and its results' equipment (7). None of it grows with the number of exercises.
EDITOR_MAX_QUERIES = 19


def test_the_editor_of_a_12_exercise_plan_runs_a_bounded_number_of_queries(
    logged_in_client, user, gym, django_assert_max_num_queries
):
    plan = WorkoutPlanFactory(user=user)

    def editor_queries(exercise_count: int) -> int:
        for sequence in range(len(slots(user, plan)) + 1, exercise_count + 1):
            WorkoutExerciseFactory(
                workout_plan=plan,
                sequence=sequence,
                exercise=ExerciseFactory(equipment=[gym["Barbell"], gym["Kettlebell"]]),
            )
        with CaptureQueriesContext(connection) as queries:
            response = logged_in_client.get(editor_url(plan), {"q": "exercise"})
        assert len(re.findall(r'class="plan-slot"', html_of(response))) == exercise_count
        assert len(picker_names(response)) == exercise_count
        return len(queries)

    assert editor_queries(1) == editor_queries(12)
    with django_assert_max_num_queries(EDITOR_MAX_QUERIES):
        logged_in_client.get(editor_url(plan), {"q": "exercise"})


def test_the_plan_list_starts_a_workout_from_a_plan_in_one_tap(logged_in_client, user, push):
    from sessions.models import WorkoutSession

    listing = logged_in_client.get(reverse("plan_list"))
    start_url = reverse("workout_start", args=[push.pk])
    assert f'action="{start_url}"' in html_of(listing)

    response = logged_in_client.post(start_url)

    with as_user(user):
        workout = WorkoutSession.objects.get(workout_plan=push)
    assert response.status_code == 302
    assert response["Location"] == reverse("workout", args=[workout.pk])
    assert workout.status == "in_progress"
