"""Shared fixtures.

The test database is created and migrated by the owner role (the `owner` alias), exactly as
`make setup` migrates the real one; the tests themselves run as the app role (`default`), with
row-level security in force.
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connections
from psycopg import sql


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    owner = connections["owner"]
    default = connections["default"]
    with django_db_blocker.unblock():
        test_name = owner.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        # Transactional tests empty the tables with TRUNCATE between tests; only the test
        # database grants the app role that right.
        with owner.cursor() as cursor:
            cursor.execute(
                sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}")
                .format(sql.Identifier(default.settings_dict["USER"]))
                .as_string(cursor.connection)
            )
        default.close()
        default.settings_dict["NAME"] = test_name
    yield
    with django_db_blocker.unblock():
        default.close()
        owner.creation.destroy_test_db(test_name, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a second per log-in; the tests are about the flows, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    from allworkouts.users.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from allworkouts.users.tests.factories import UserFactory

    return UserFactory()


# --- Browser journeys -------------------------------------------------------------------------
# Playwright drives Debian's Chromium (`apt-get install chromium`), never a downloaded browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: apt-get install chromium (CI does)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop; Django refuses ORM calls from inside one
    # unless told that this synchronous test code is safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield playwright, browser
        browser.close()


def phone_page(chromium, live_server, *, color_scheme="light", allowed_errors=None):
    """A Pixel 7-sized page on the live server that fails the test on any console error (CSP
    violations included) but those `allowed_errors` matches."""
    playwright, browser = chromium
    context = browser.new_context(
        **playwright.devices["Pixel 7"], color_scheme=color_scheme, base_url=live_server.url
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    unexpected = [e for e in errors if not (allowed_errors and allowed_errors.match(e))]
    assert unexpected == [], f"browser console errors: {unexpected}"


@pytest.fixture(params=["light", "dark"])
def phone(request, chromium, live_server):
    """A phone's browser on the live server, in light and dark themes."""
    yield from phone_page(chromium, live_server, color_scheme=request.param)


# What a dropped connection writes to the console: htmx reports the failed request, and the
# browser the resource it could not load.
OFFLINE_CONSOLE_ERRORS = re.compile(
    r"^(htmx:(sendError|afterRequest), |Failed to load resource: net::ERR_INTERNET_DISCONNECTED)"
)


@pytest.fixture
def phone_on_patchy_wifi(chromium, live_server):
    """Like `phone` (light theme), for a test that cuts the connection: the console errors a
    dropped connection causes are expected, any other still fails the test."""
    yield from phone_page(chromium, live_server, allowed_errors=OFFLINE_CONSOLE_ERRORS)


@pytest.fixture
def assert_accessible():
    return page_is_accessible


def page_is_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation; a screenshot is kept for review."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    scheme = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    page.screenshot(
        path=SCREENSHOTS / f"{name}-{'dark' if scheme else 'light'}.png", full_page=True
    )
    violations = Axe().run(page).response["violations"]
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
