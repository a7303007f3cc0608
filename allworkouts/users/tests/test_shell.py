"""The web shell: security headers, static htmx, the health check, and markup on every page."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.urls import reverse

from allworkouts.users.tests.markup import PageAudit, audit_page
from catalog.tests.factories import EquipmentFactory

HTMX_SCRIPT = f"/{settings.STATIC_URL.strip('/')}/django_htmx/htmx-2.min.js"


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_pages_carry_a_strict_csp_and_the_other_security_headers(client, user, logged_in):
    if logged_in:
        client.force_login(user)
    response = client.get(reverse("home") if logged_in else reverse("account_login"))

    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert "'self'" in policy["script-src"]
    assert "'self'" in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    for directive in policy.values():
        assert "'unsafe-inline'" not in directive
        assert "'unsafe-eval'" not in directive
        assert "*" not in directive.split()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_htmx_comes_from_our_static_files_and_is_configured_without_eval(client, db):
    response = client.get(reverse("account_login"))

    page = audit_page(response)
    assert HTMX_SCRIPT in page.script_sources
    assert all(
        src.startswith(settings.STATIC_URL) or src.startswith("/static/")
        for src in page.script_sources
    )
    html = response.content.decode()
    assert '"allowEval":false' in html
    assert '"includeIndicatorStyles":false' in html
    assert '"allowScriptTags":false' in html
    script = client.get(HTMX_SCRIPT)
    assert script.status_code == 200
    assert b"htmx" in b"".join(script.streaming_content)


def test_every_htmx_request_carries_the_csrf_token(logged_in_client):
    response = logged_in_client.get(reverse("home"))

    token = response.context["csrf_token"]
    assert f"""<body hx-headers='{{"X-CSRFToken": "{token}"}}'>""" in response.content.decode()


def test_the_navigation_follows_the_login_state(client, user):
    anonymous = client.get(reverse("account_login")).content.decode()
    client.force_login(user)
    logged_in = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account_signup")}"' in anonymous
    assert "Log out" not in anonymous
    assert f'<form method="post" action="{reverse("account_logout")}">' in logged_in
    assert f'href="{reverse("user_settings")}"' in logged_in
    assert f'href="{reverse("account_signup")}"' not in logged_in


def test_the_home_page_greets_the_lifter_and_lists_their_equipment(logged_in_client, user):
    barbell = EquipmentFactory(name="Barbell")
    EquipmentFactory(name="Dumbbell")
    logged_in_client.post(reverse("user_settings_equipment"), {"equipment": [barbell.pk]})

    response = logged_in_client.get(reverse("home"))

    html = response.content.decode()
    assert user.email in html
    assert "Metric (kg)" in html
    assert "Barbell" in html
    assert "Dumbbell" not in html
    assert f'href="{reverse("user_settings")}"' in html
    audit_page(response)


def test_healthz_answers_without_login(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_is_down(client, db):
    unreachable = OperationalError("connection refused")

    with mock.patch.object(connections["default"], "cursor", side_effect=unreachable):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_the_markup_audit_catches_unlabelled_inputs_and_inline_code():
    page = PageAudit(
        """<form><label for="a">A</label><input id="a" name="a">
        <input id="b" name="b"><label><input type="checkbox" name="c"> C</label>
        <input type="hidden" name="d"><textarea name="e" aria-label="E"></textarea>
        <select name="f"></select><button onclick="x()">Go</button></form>
        <p style="color: red"></p><script>alert(1)</script><style>p{}</style>
        <script type="application/json">{}</script><script src="/static/x.js"></script>"""
    )

    assert page.unlabelled == ["<input name='b'>", "<select name='f'>"]
    assert page.inline_code == [
        "<button onclick>",
        "<p style>",
        "<script> without src",
        "<style>",
    ]
    assert page.script_sources == ["/static/x.js"]


@pytest.mark.django_db
def test_an_htmx_request_without_a_session_is_sent_to_log_in_as_a_whole_page(client):
    response = client.post(
        "/settings/units/", {"unit_system": "imperial"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
