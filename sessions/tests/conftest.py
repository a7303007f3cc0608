import re

import pytest

from allworkouts.rls import as_user
from allworkouts.users.models import UserEquipment
from catalog.tests.factories import EquipmentFactory


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def gym(db):
    """The catalog's equipment, by name."""
    return {
        name: EquipmentFactory(name=name)
        for name in ["Barbell", "Bench", "Bodyweight", "Cable", "Dumbbell", "Kettlebell"]
    }


@pytest.fixture
def owns(user):
    """owns("Barbell", "Dumbbell"): the user owns that equipment (of the `gym` fixture)."""

    def own(*equipment):
        with as_user(user):
            for item in equipment:
                UserEquipment.objects.create(user=user, equipment=item)

    return own


# What a dropped connection writes to the console: htmx reports the failed request, and the
# browser the resource it could not load.
OFFLINE_CONSOLE_ERRORS = re.compile(
    r"^(htmx:(sendError|afterRequest), |Failed to load resource: net::ERR_INTERNET_DISCONNECTED)"
)


@pytest.fixture
def phone_on_patchy_wifi(chromium, live_server):
    """Like the `phone` fixture (light theme), for a test that cuts the connection: the console
    errors a dropped connection causes are expected, any other still fails the test."""
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    unexpected = [error for error in errors if not OFFLINE_CONSOLE_ERRORS.match(error)]
    assert unexpected == [], f"browser console errors: {unexpected}"
