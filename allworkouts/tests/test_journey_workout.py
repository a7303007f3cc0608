"""A lifter's first workout on a phone, light and dark, through the real pages end to end: sign
up, choose pounds and the equipment at hand, paste a plan and check it, start it, log sets with
a tap, rest, edit a set, swap an exercise, finish, and find the workout again in the history."""

import re
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from allworkouts.rls import as_user
from allworkouts.users.models import User
from catalog.models import Exercise
from plans.models import WorkoutExercise, WorkoutPlan
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.factories import WorkoutSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMES = "\N{MULTIPLICATION SIGN}"
EMAIL = "first.workout@example.com"
PASSWORD = "squat-bench-deadlift-42"
PLAN_NAME = "Push Pull Monday"
# As a lifter keeps it in a notes app: a title line, then one exercise per line, in the usual
# shorthands, with a typo the matcher can only guess at.
PLAN_TEXT = f"""{PLAN_NAME}
Bench Press 3x5
Barbell Row 3x8-12 (90s rest)
Dumbbell Curl 3x10
Hammer curlz 2x12
"""
# 135 lb is 61.23496995 kg exactly (1 lb = 0.45359237 kg); 95 lb is 43.09127515 kg.
BENCH_KG = Decimal("61.234969950")
ROW_KG = Decimal("43.091275150")


@pytest.fixture
def catalog(db):
    """The curated catalog, as `make setup` loads it."""
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def built_in_parser(settings):
    """Plans are read by the built-in parser, never by a call out to Claude."""
    settings.ANTHROPIC_API_KEY = ""


@pytest.fixture
def check_page(assert_accessible):
    """check_page(phone, name): no serious accessibility violation (a screenshot is kept), and
    nothing wider than the phone, since a page that scrolls sideways is hard to use in one hand."""

    def check(phone, name: str):
        assert_accessible(phone, name)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.viewport_size["width"], f"{name} is {width} px wide"

    return check


def remaining_seconds(clock: str) -> int:
    minutes, seconds = clock.split(":")
    return int(minutes) * 60 + int(seconds)


def sign_up(phone, check_page):
    phone.goto("/accounts/signup/")
    assert_heading(phone, "Sign up")
    check_page(phone, "journey-signup")
    phone.get_by_label(re.compile(r"^Email")).fill(EMAIL)
    phone.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    phone.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    phone.get_by_role("button", name="Create account").click()
    expect(phone).to_have_url(re.compile(r"/settings/$"))


def assert_heading(phone, name: str):
    expect(phone.get_by_role("heading", level=1, name=name)).to_be_visible()


def choose_pounds_and_equipment(phone, check_page):
    check_page(phone, "journey-settings")
    phone.get_by_label(re.compile("Imperial")).check()
    phone.get_by_role("button", name="Save units").click()
    expect(phone.locator("#settings-units")).to_contain_text("Saved")
    for equipment in ("Barbell", "Dumbbell", "Bench", "Bodyweight"):
        phone.get_by_label(equipment, exact=True).check()
    phone.get_by_role("button", name="Save equipment").click()
    expect(phone.locator("#settings-equipment")).to_contain_text("Saved")


def import_plan(phone, check_page):
    phone.get_by_role("link", name="Home").click()
    phone.get_by_role("link", name="Make a plan").click()
    assert_heading(phone, "Your plans")
    phone.get_by_role("link", name="Or paste a plan you have as text").click()
    assert_heading(phone, "Import a plan from text")
    check_page(phone, "journey-import")
    phone.get_by_label("Your plan, as text").fill(PLAN_TEXT)
    phone.get_by_role("button", name="Parse").click()

    assert_heading(phone, "Check the imported plan")
    expect(phone.get_by_label("Plan name")).to_have_value(PLAN_NAME)
    rows = phone.locator(".import-row")
    expect(rows).to_have_count(4)
    barbell_row = rows.nth(1)
    expect(barbell_row).to_contain_text("“Barbell Row”")
    expect(barbell_row.get_by_label("Catalog exercise")).to_have_value(
        str(Exercise.objects.get(name="Barbell Row").pk)
    )
    for label, value in (("Sets", "3"), ("Min reps", "8"), ("Max reps", "12"), ("Rest (s)", "90")):
        expect(barbell_row.get_by_label(label)).to_have_value(value)
    guessed = rows.nth(3)
    expect(guessed).to_contain_text("“Hammer curlz”")
    expect(guessed).to_contain_text("Low confidence")
    expect(guessed.get_by_label("Catalog exercise")).to_have_value(
        str(Exercise.objects.get(name="Hammer Curl").pk)
    )
    check_page(phone, "journey-import-review")

    # A guess is not taken on trust: the plan is made only once the lifter has checked it.
    phone.get_by_role("button", name="Create plan").click()
    expect(guessed).to_contain_text("A low-confidence match: tick to confirm it")
    expect(phone.get_by_role("alert")).to_contain_text("Not created yet: fix row 4 first.")
    guessed.get_by_label("I checked this match").check()
    phone.get_by_role("button", name="Create plan").click()

    assert_heading(phone, PLAN_NAME)
    expect(phone.get_by_role("status").first).to_contain_text(
        f"Created “{PLAN_NAME}” from your text."
    )
    check_page(phone, "journey-plan-editor")


def start_from_the_plan_list(phone, check_page):
    phone.get_by_role("link", name="← Your plans").click()
    assert_heading(phone, "Your plans")
    plan_card = phone.locator(".plan-card", has_text=PLAN_NAME)
    expect(plan_card).to_contain_text("4 exercises · not trained yet")
    check_page(phone, "journey-plan-list")
    plan_card.get_by_role("button", name=f"Start a workout from {PLAN_NAME}").click()
    expect(phone).to_have_url(re.compile(r"/workouts/\d+/$"))
    assert_heading(phone, PLAN_NAME)


def find_in_history(phone, check_page, *, plan, stand_in: str):
    # Two more workouts, each for one of the filters to leave out: the same plan abandoned, and
    # another plan completed.
    WorkoutSessionFactory(workout_plan=plan, status=SessionStatus.ABANDONED)
    WorkoutSessionFactory(workout_plan__user=plan.user, workout_plan__name="Leg day")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    assert_heading(phone, "History")
    workouts = phone.locator(".history-row")
    expect(workouts).to_have_count(3)
    check_page(phone, "journey-history")

    phone.get_by_label("Workout name").fill("push pull")
    phone.get_by_label("Status").select_option(label="Completed")
    phone.get_by_role("button", name="Filter").click()

    # The filters are kept in the URL, and only the workout just finished matches both.
    expect(phone).to_have_url(re.compile(r"/workouts/history/\?q=push\+pull&status=completed$"))
    expect(phone.get_by_label("Workout name")).to_have_value("push pull")
    expect(phone.get_by_label("Status")).to_have_value("completed")
    expect(workouts).to_have_count(1)
    found = workouts.first
    expect(found).to_contain_text("Completed")
    # 135 lb x 6 + 135 lb x 5 + 95 lb x 10; records still held: the bench press's three (1RM
    # and set volume from set 1, workout volume from set 2) and the stand-in's three.
    for name, value in (("Sets", "3"), ("Volume", "2,435 lb"), ("Records", "6")):
        stat = found.locator(".history-stats > div").filter(has=phone.get_by_text(name, exact=True))
        expect(stat.locator("dd")).to_have_text(value)
    check_page(phone, "journey-history-filtered")

    found.get_by_role("link", name=PLAN_NAME).click()
    assert_heading(phone, PLAN_NAME)
    expect(phone.get_by_text(f"135 lb {TIMES} 6")).to_be_visible()
    expect(phone.get_by_text(f"{stand_in} instead of Barbell Row")).to_be_visible()
    records = phone.locator(".detail-records")
    expect(records).to_contain_text("Est. 1RM 162 lb")
    expect(records).to_contain_text("Workout volume 1,485 lb")
    check_page(phone, "journey-workout-detail")


def test_first_workout_from_sign_up_to_history(phone, check_page, catalog, built_in_parser):
    sign_up(phone, check_page)
    choose_pounds_and_equipment(phone, check_page)
    import_plan(phone, check_page)
    start_from_the_plan_list(phone, check_page)

    lifter = User.objects.get(email=EMAIL)
    with as_user(lifter):
        plan = WorkoutPlan.objects.get(name=PLAN_NAME)
        bench, row, _curl, _hammer = WorkoutExercise.objects.filter(workout_plan=plan).order_by(
            "sequence"
        )
    expect(phone.get_by_role("heading", name="1. Bench Press")).to_be_visible()
    expect(phone.locator(f"#workout-slot-{bench.pk}")).to_contain_text(
        "3 sets × 5 reps · rest 2:30"
    )
    expect(phone.locator(f"#workout-slot-{row.pk}")).to_contain_text(
        "3 sets × 8–12 reps · rest 1:30"
    )
    check_page(phone, "journey-workout")

    # Set 1: the first bench press ever, so the weight is typed; it sets every record there is.
    first = phone.locator(f"#workout-set-{bench.pk}-1")
    first.get_by_label("Reps").fill("5")
    first.get_by_label("Weight (lb)").fill("135")
    first.get_by_role("button", name="Log set 1 of Bench Press").click()
    expect(first).to_contain_text(f"135 lb {TIMES} 5")
    expect(first).to_contain_text("New record: est. 1RM 157.5 lb")
    expect(first).to_contain_text("New record: set volume 675 lb")

    # The rest timer counts down from the planned 2:30.
    remaining = phone.locator("#rest-timer [data-rest-remaining]")
    expect(remaining).to_have_text(re.compile(r"^2:[0-3]\d$"))
    shown, waiting_since = remaining.text_content(), time.monotonic()
    # It goes down as the seconds pass (waited for, rather than a fixed wait, so that a busy
    # machine that delays the page's timer does not fail the test).
    expect(remaining).not_to_have_text(shown, timeout=10_000)
    before, after = remaining_seconds(shown), remaining_seconds(remaining.text_content())
    assert 0 < before - after <= time.monotonic() - waiting_since + 1.5, (before, after)
    expect(phone.locator("#rest-timer")).to_contain_text("2:30 planned after Bench Press, set 1")

    # Set 2 offers what was just lifted: one tap logs it, and the workout's volume is a record.
    second = phone.locator(f"#workout-set-{bench.pk}-2")
    expect(second.get_by_label("Weight (lb)")).to_have_value("135")
    expect(second.get_by_label("Reps")).to_have_value("5")
    second.get_by_role("button", name="Log set 2 of Bench Press").click()
    expect(second).to_contain_text(f"135 lb {TIMES} 5")
    expect(second).to_contain_text("New record: workout volume 1,350 lb")

    # Set 1 was in fact six reps.
    first.get_by_text("Edit").click()
    first.get_by_label("Reps").fill("6")
    first.get_by_role("button", name="Save").click()
    expect(first).to_contain_text(f"135 lb {TIMES} 6")
    expect(first).to_contain_text("New record: est. 1RM 162 lb")
    # Editing an earlier set leaves set 3 offering the latest one lifted, set 2.
    third = phone.locator(f"#workout-set-{bench.pk}-3")
    expect(third.get_by_label("Reps")).to_have_value("5")

    # The barbell rows are taken: swap the slot for an equivalent the lifter has equipment for.
    slot = phone.locator(f"#workout-slot-{row.pk}")
    slot.get_by_role("link", name="Swap Barbell Row").click()
    panel = phone.locator(f"#workout-swap-{row.pk}")
    expect(panel).to_contain_text("Swap Barbell Row for…")
    choice = panel.locator(".swap-choice").first
    stand_in = choice.locator(".swap-name").text_content()
    assert stand_in != "Barbell Row"
    check_page(phone, "journey-workout-swap")
    choice.click()
    expect(slot.get_by_role("heading", level=2)).to_have_text(f"2. {stand_in}")
    expect(slot).to_contain_text("Swapped in for Barbell Row")
    swapped = phone.locator(f"#workout-set-{row.pk}-1")
    swapped.get_by_label("Reps").fill("10")
    swapped.get_by_label("Weight (lb)").fill("95")
    swapped.get_by_role("button", name=f"Log set 1 of {stand_in}").click()
    expect(swapped).to_contain_text(f"95 lb {TIMES} 10")
    check_page(phone, "journey-workout-logged")

    phone.get_by_text("Finish workout").click()
    # What the confirmation says must be true of the sets logged on this page.
    expect(phone.locator(".workout-end")).to_contain_text("3 of 11 planned sets logged.")
    phone.get_by_role("button", name="Yes, finish").click()
    expect(phone.get_by_role("status")).to_contain_text("Workout finished: 3 sets logged.")
    expect(phone.locator(".workout-meta")).to_contain_text("Completed on")
    workout_id = int(re.search(r"/workouts/(\d+)/", phone.url).group(1))

    find_in_history(phone, check_page, plan=plan, stand_in=stand_in)

    with as_user(lifter):
        workout = WorkoutSession.objects.get(pk=workout_id)
        logged = list(
            ExerciseSession.objects.filter(workout_session=workout)
            .order_by("workout_exercise__sequence", "set_number")
            .values_list("workout_exercise", "exercise__name", "set_number", "reps", "weight")
        )
    assert lifter.unit_system == "imperial"
    assert workout.status == SessionStatus.COMPLETED
    assert workout.finished_at is not None
    assert logged == [
        (bench.pk, "Bench Press", 1, 6, BENCH_KG),
        (bench.pk, "Bench Press", 2, 5, BENCH_KG),
        (row.pk, stand_in, 1, 10, ROW_KG),
    ]
