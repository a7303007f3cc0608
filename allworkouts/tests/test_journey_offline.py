"""Logging a set on gym wifi that comes and goes: the set is neither lost nor logged twice.

Each log form carries the idempotency key it was rendered with. A tap that never reached the
server is sent again once the phone is back online; a tap whose set was saved but whose answer
was lost is sent again with the same key, and the server answers with the set it already has.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from allworkouts.rls import as_user
from allworkouts.users.models import UnitSystem
from allworkouts.users.tests.factories import TEST_PASSWORD, UserFactory
from catalog.tests.factories import ExerciseFactory
from plans.tests.factories import WorkoutExerciseFactory
from sessions.models import ExerciseSession

pytestmark = pytest.mark.django_db(transaction=True)

TIMES = "\N{MULTIPLICATION SIGN}"
NOT_SAVED = "Not saved: no connection. What you typed is kept"
# 225 lb is 102.05828325 kg exactly (1 lb = 0.45359237 kg).
SQUAT_KG = Decimal("102.058283250")


@pytest.fixture
def squat_day(db):
    """A lifter who trains in pounds, with a plan of three sets of squats."""
    lifter = UserFactory(unit_system=UnitSystem.IMPERIAL)
    return WorkoutExerciseFactory(
        workout_plan__user=lifter,
        workout_plan__name="Squat day",
        sets=3,
        reps_min=5,
        reps_max=5,
        rest_time_seconds=180,
        exercise=ExerciseFactory(name="Back Squat", default_weight=Decimal(60), default_reps=5),
    )


def start_workout(phone, slot):
    phone.goto("/")
    phone.get_by_label("Email").fill(slot.user.email)
    phone.get_by_label("Password").fill(TEST_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.get_by_role("button", name="Start Squat day").click()
    expect(phone.get_by_role("heading", name="1. Back Squat")).to_be_visible()


def type_set(row, *, reps: str, weight: str):
    row.get_by_label("Reps").fill(reps)
    row.get_by_label("Weight (lb)").fill(weight)


def expect_kept(row, *, reps: str, weight: str):
    expect(row).to_contain_text(NOT_SAVED)
    expect(row.get_by_label("Reps")).to_have_value(reps)
    expect(row.get_by_label("Weight (lb)")).to_have_value(weight)


def logged_sets(slot) -> list[tuple[int, int, Decimal]]:
    with as_user(slot.user):
        return list(ExerciseSession.objects.values_list("set_number", "reps", "weight"))


def expect_logged_once_after_reload(phone, slot):
    """The page as the server has it: set 1 logged, set 2 still to log."""
    phone.reload()
    expect(phone.locator(f"#workout-set-{slot.pk}-1")).to_contain_text(f"225 lb {TIMES} 5")
    expect(phone.locator(".set-row--logged")).to_have_count(1)
    expect(phone.get_by_role("button", name="Log set 2 of Back Squat")).to_be_visible()
    expect(phone.locator(".workout-meta")).to_contain_text("1 set logged of 3 planned")


def test_a_set_logged_offline_is_sent_once_when_the_phone_is_back_online(
    phone_on_patchy_wifi,
    squat_day,
):
    phone = phone_on_patchy_wifi
    start_workout(phone, squat_day)
    row = phone.locator(f"#workout-set-{squat_day.pk}-1")
    type_set(row, reps="5", weight="225")

    phone.context.set_offline(True)
    row.get_by_role("button", name="Log set 1 of Back Squat").click()
    expect_kept(row, reps="5", weight="225")
    # Tapping again while still offline fails the same way and loses nothing.
    row.get_by_role("button", name="Log set 1 of Back Squat").click()
    expect_kept(row, reps="5", weight="225")
    assert logged_sets(squat_day) == []

    phone.context.set_offline(False)

    # The page sends the waiting set by itself as soon as the connection is back.
    expect(row).to_contain_text(f"225 lb {TIMES} 5")
    expect(row).not_to_contain_text(NOT_SAVED)
    expect(row).to_contain_text("New record: est. 1RM 262.5 lb")
    expect(phone.locator("#rest-timer")).to_contain_text("3:00 planned after Back Squat, set 1")
    assert logged_sets(squat_day) == [(1, 5, SQUAT_KG)]
    expect_logged_once_after_reload(phone, squat_day)
    assert logged_sets(squat_day) == [(1, 5, SQUAT_KG)]


def test_a_set_saved_but_whose_answer_was_lost_is_not_logged_twice(
    phone_on_patchy_wifi,
    squat_day,
):
    phone = phone_on_patchy_wifi
    start_workout(phone, squat_day)
    row = phone.locator(f"#workout-set-{squat_day.pk}-1")
    type_set(row, reps="5", weight="225")

    # The request reaches the server, which saves the set; the connection drops before the
    # answer arrives.
    answered = []

    def lose_the_answer(route):
        answered.append(route.fetch().status)
        route.abort("internetdisconnected")

    log_url = re.compile(rf"/workouts/\d+/slots/{squat_day.pk}/sets/$")
    phone.route(log_url, lose_the_answer)
    row.get_by_role("button", name="Log set 1 of Back Squat").click()

    expect_kept(row, reps="5", weight="225")
    assert answered == [200]
    assert logged_sets(squat_day) == [(1, 5, SQUAT_KG)]

    # The lifter, unsure it went through, taps again: the same key, so the same set.
    phone.unroute(log_url, lose_the_answer)
    row.get_by_role("button", name="Log set 1 of Back Squat").click()

    expect(row).to_contain_text(f"225 lb {TIMES} 5")
    expect(row).not_to_contain_text(NOT_SAVED)
    # The answer that was lost carried the set's records and its rest timer: the resent one
    # carries them too.
    expect(row).to_contain_text("New record: est. 1RM 262.5 lb")
    expect(phone.locator("#rest-timer")).to_contain_text("3:00 planned after Back Squat, set 1")
    assert logged_sets(squat_day) == [(1, 5, SQUAT_KG)]
    expect_logged_once_after_reload(phone, squat_day)
