"""The history and a finished workout's page in a phone's browser, light and dark: the header
on one line at 360 px, Load more appending without a reload, filters, a set corrected in place,
and a workout deleted and restored. The strict CSP blocks nothing (any console error fails the
test), and axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.selectors import HISTORY_PAGE_SIZE
from sessions.tests.history_data import days_ago, past_workout
from sessions.tests.test_workout_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NARROWEST_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def history_of(user):
    plan = WorkoutPlanFactory(user=user, name="Push day")
    bench = WorkoutExerciseFactory(workout_plan=plan, exercise__name="Bench press", sequence=1)
    for day in range(HISTORY_PAGE_SIZE + 4):
        past_workout(
            plan,
            started=days_ago(day + 2),
            status="abandoned" if day % 10 == 3 else "completed",
            sets=[(bench, "60", 8)],
        )
    finished = past_workout(
        plan, started=days_ago(1), name="Heavy day", sets=[(bench, "100", 5), (bench, "80", 8)]
    )
    return {"bench": bench, "finished": finished}


def test_the_header_fits_one_line_on_the_narrowest_phone(phone, user, live_server):
    log_in(phone, user, live_server)
    phone.set_viewport_size(NARROWEST_PHONE)
    phone.goto("/workouts/history/")

    items = phone.locator(".site-nav li")
    expect(items).to_have_count(5)
    boxes = [items.nth(number).bounding_box() for number in range(5)]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    assert max(box["x"] + box["width"] for box in boxes) <= NARROWEST_PHONE["width"]
    assert phone.locator(".site-header").bounding_box()["height"] < 2 * 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROWEST_PHONE["width"]
    expect(phone.get_by_role("link", name="History")).to_have_attribute("aria-current", "page")


def test_history_on_a_phone(phone, assert_accessible, user, live_server, history_of):
    log_in(phone, user, live_server)
    phone.goto("/workouts/history/")
    rows = phone.locator("article.history-row")
    expect(rows).to_have_count(HISTORY_PAGE_SIZE)
    expect(rows.first).to_contain_text("Heavy day")
    assert_accessible(phone, "history")

    phone.get_by_role("link", name="Load more").click()
    expect(rows).to_have_count(HISTORY_PAGE_SIZE + 5)
    # Appended in place: still the first page's address, and no Load more left.
    assert phone.url.endswith("/workouts/history/")
    expect(phone.get_by_text("That's every workout.")).to_be_visible()

    phone.get_by_label("Status").select_option("abandoned")
    phone.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    assert "status=abandoned" in phone.url
    expect(phone.get_by_label("Status")).to_have_value("abandoned")


def test_a_finished_workout_on_a_phone(phone, assert_accessible, user, live_server, history_of):
    log_in(phone, user, live_server)
    phone.goto("/workouts/history/")
    phone.get_by_role("link", name="Heavy day").click()
    expect(phone.get_by_role("heading", name="Heavy day", level=1)).to_be_visible()
    assert_accessible(phone, "workout-detail")

    second = phone.locator(f"#workout-set-{history_of['bench'].pk}-2")
    second.get_by_label("Edit set 2 of Bench press").click()
    second.get_by_label("Reps").fill("3")
    url = phone.url
    second.get_by_role("button", name="Save").click()
    expect(phone.locator(f"#workout-set-{history_of['bench'].pk}-2")).to_contain_text("80 kg")
    expect(phone.locator(f"#workout-set-{history_of['bench'].pk}-2")).to_contain_text("3")
    expect(phone.locator(".detail-stats")).to_contain_text("740 kg")
    assert phone.url == url

    phone.get_by_text("Delete workout").click()
    phone.get_by_role("button", name="Yes, delete").click()
    expect(phone.get_by_text("Deleted “Heavy day”.")).to_be_visible()
    assert_accessible(phone, "workout-deleted")
    phone.get_by_role("button", name="Restore").click()
    expect(phone.get_by_text("Restored “Heavy day”.")).to_be_visible()
    expect(phone.locator(".detail-stats")).to_contain_text("740 kg")
