"""A workout in a phone's browser, light and dark: one-tap logging without a reload, the rest
timer (its buzz, ±15 s, skip), the screen kept awake, and a set typed while offline sent once
the connection is back. The strict CSP blocks nothing (any console error fails the test), and
axe finds nothing serious."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from allworkouts.rls import as_user
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.models import ExerciseSession

pytestmark = pytest.mark.django_db(transaction=True)

TIMES = "\N{MULTIPLICATION SIGN}"

# What the page asked of the phone's vibration motor and wake lock, recorded.
DEVICE_STUBS = """
window.vibrations = [];
navigator.vibrate = (pattern) => { window.vibrations.push(pattern); return true; };
window.wakeLocks = 0;
Object.defineProperty(navigator, "wakeLock", {
  value: { request: async () => { window.wakeLocks += 1; return { release: async () => {} }; } },
});
"""


def log_in(page, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def seconds(clock: str) -> int:
    minutes, rest = clock.split(":")
    return int(minutes) * 60 + int(rest)


def test_a_workout_on_a_phone(phone, assert_accessible, user, live_server):
    plan = WorkoutPlanFactory(user=user, name="Push day")
    bench = WorkoutExerciseFactory(
        workout_plan=plan,
        sequence=1,
        sets=3,
        rest_time_seconds=90,
        exercise=ExerciseFactory(name="Bench press", default_weight=Decimal(60), default_reps=8),
    )
    dips = WorkoutExerciseFactory(
        workout_plan=plan,
        sequence=2,
        sets=1,
        rest_time_seconds=2,
        exercise=ExerciseFactory(name="Dips", primary_muscle_groups=["triceps"]),
    )
    phone.add_init_script(DEVICE_STUBS)
    log_in(phone, user, live_server)

    phone.goto("/")
    phone.get_by_role("button", name="Start Push day").click()
    expect(phone).to_have_url(re.compile(r"/workouts/\d+/$"))
    expect(phone.get_by_role("heading", name="1. Bench press")).to_be_visible()
    # workout.js is deferred: the heading can show before it has run.
    phone.wait_for_function("window.wakeLocks > 0")
    assert phone.evaluate("window.wakeLocks") == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= phone.viewport_size["width"]
    assert_accessible(phone, "workout")
    # Marks this page load: a reload would lose it.
    phone.evaluate("window.sameLoad = true")

    phone.get_by_role("button", name="Log set 1 of Bench press").click()
    row = phone.locator(f"#workout-set-{bench.pk}-1")
    expect(row).to_contain_text(f"60 kg {TIMES} 8")
    expect(row).to_contain_text("New record: est. 1RM 76 kg")
    timer = phone.locator("#rest-timer")
    expect(timer).to_be_visible()
    remaining = timer.locator("[data-rest-remaining]")
    expect(remaining).to_have_text(re.compile(r"^1:[23]\d$"))
    before = seconds(remaining.text_content())
    phone.get_by_role("button", name="+15 s").click()
    assert seconds(remaining.text_content()) >= before + 14
    assert phone.evaluate("window.sameLoad") is True

    # Edit what the row offers, then tap.
    second = phone.locator(f"#workout-set-{bench.pk}-2")
    second.get_by_label("Reps").fill("6")
    second.get_by_label("Weight (kg)").fill("62.5")
    second.get_by_role("button", name="Log set 2 of Bench press").click()
    expect(second).to_contain_text(f"62.5 kg {TIMES} 6")

    # The rows still to log now offer what was just lifted.
    third = phone.locator(f"#workout-set-{bench.pk}-3")
    expect(third.get_by_label("Weight (kg)")).to_have_value("62.5")
    expect(third.get_by_label("Reps")).to_have_value("6")
    third.get_by_role("button", name="Log set 3 of Bench press").click()
    expect(third).to_contain_text(f"62.5 kg {TIMES} 6")

    # The timer after the set with a two-second rest runs out: a buzz and a clear cue.
    phone.get_by_role("button", name="Log set 1 of Dips").click()
    expect(timer).to_have_class(re.compile("rest-timer--done"), timeout=5000)
    expect(timer).to_contain_text("Rest over")
    assert phone.evaluate("window.vibrations") == [[300, 150, 300]]
    assert phone.evaluate("window.sameLoad") is True

    # A reload shows the same timer, counted from the server's time of the set.
    phone.reload()
    expect(timer).to_contain_text("Rest over")
    assert phone.evaluate("window.vibrations") == []
    with as_user(user):
        assert sorted(
            ExerciseSession.objects.values_list("workout_exercise_id", "set_number", "reps")
        ) == [(bench.pk, 1, 8), (bench.pk, 2, 6), (bench.pk, 3, 6), (dips.pk, 1, 8)]
    assert_accessible(phone, "workout-logged")


def test_the_rest_timer_can_be_skipped(phone, user, live_server):
    slot = WorkoutExerciseFactory(
        workout_plan__user=user, rest_time_seconds=120, exercise=ExerciseFactory(name="Squat")
    )
    phone.add_init_script(DEVICE_STUBS)
    log_in(phone, user, live_server)
    phone.goto("/")
    phone.get_by_role("button", name=f"Start {slot.workout_plan.name}").click()
    phone.get_by_role("button", name="Log set 1 of Squat").click()
    timer = phone.locator("#rest-timer")
    expect(timer.locator("[data-rest-remaining]")).to_have_text(re.compile(r"^[12]:\d\d$"))

    phone.get_by_role("button", name="Skip rest").click()

    expect(timer).to_contain_text("Rest over")
    # Skipping is the lifter's choice: no buzz for it. It holds over a reload on this phone.
    assert phone.evaluate("window.vibrations") == []
    phone.reload()
    expect(timer).to_contain_text("Rest over")


def test_a_set_typed_offline_is_sent_once_the_connection_is_back(
    phone_on_patchy_wifi, user, live_server
):
    phone = phone_on_patchy_wifi
    slot = WorkoutExerciseFactory(
        workout_plan__user=user, sets=2, exercise=ExerciseFactory(name="Squat")
    )
    log_in(phone, user, live_server)
    phone.goto("/")
    phone.get_by_role("button", name=f"Start {slot.workout_plan.name}").click()
    row = phone.locator(f"#workout-set-{slot.pk}-1")
    row.get_by_label("Reps").fill("5")
    row.get_by_label("Weight (kg)").fill("140")

    phone.context.set_offline(True)
    row.get_by_role("button", name="Log set 1 of Squat").click()

    expect(row).to_contain_text("Not saved: no connection.")
    expect(row.get_by_label("Reps")).to_have_value("5")
    expect(row.get_by_label("Weight (kg)")).to_have_value("140")
    # A second tap while still offline fails the same way, and loses nothing either.
    row.get_by_role("button", name="Log set 1 of Squat").click()
    expect(row).to_contain_text("Not saved: no connection.")
    expect(row.get_by_label("Weight (kg)")).to_have_value("140")

    phone.context.set_offline(False)

    expect(row).to_contain_text(f"140 kg {TIMES} 5")
    with as_user(user):
        assert list(ExerciseSession.objects.values_list("reps", "weight")) == [(5, Decimal(140))]
