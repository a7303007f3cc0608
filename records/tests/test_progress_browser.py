"""The exercise page in a phone's browser, light and dark: the chart fits, its lines take the
theme's colours from the stylesheet, the strict CSP blocks nothing, axe finds nothing serious."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from catalog.tests.factories import ExerciseFactory
from records.tests.history import log_set
from records.tests.test_progress_page import workout_on

pytestmark = pytest.mark.django_db(transaction=True)

# --chart-one-rep-max is the accent colour; --chart-heaviest is set in records.css.
LINE_COLOURS = {
    "light": {"one-rep-max": "rgb(29, 78, 216)", "heaviest": "rgb(180, 83, 9)"},
    "dark": {"one-rep-max": "rgb(138, 180, 255)", "heaviest": "rgb(251, 191, 36)"},
}


def log_in(page, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_the_progress_chart_on_a_phone(phone, assert_accessible, user, live_server):
    bench = ExerciseFactory(name="Bench press")
    for days_ago, weight, reps in ((60, "80", 5), (45, "85", 5), (30, "90", 3), (14, "92.5", 5)):
        workout = workout_on(user, days_ago)
        log_set(workout, bench, weight, reps)
        log_set(workout, bench, "70", 12)
    log_in(phone, user, live_server)

    phone.goto(f"/records/exercise/{bench.pk}/")

    chart = phone.get_by_role("img", name="Bench press: estimated 1RM and heaviest weight")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    viewport = phone.viewport_size
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["height"] > 150
    assert phone.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    scheme = (
        "dark" if phone.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") else "light"
    )
    for series, colour in LINE_COLOURS[scheme].items():
        line = phone.locator(f".chart .chart-series--{series} polyline")
        expect(line).to_have_css("stroke", colour)
    expect(phone.locator(".chart .chart-series--heaviest polyline")).to_have_css(
        "stroke-dasharray", "5px, 3px"
    )
    expect(phone.get_by_role("table")).to_have_count(1)
    expect(phone.locator(".recent-workout")).to_have_count(4)
    assert_accessible(phone, "exercise-progress")
