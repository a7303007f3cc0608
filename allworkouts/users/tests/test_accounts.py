import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from allworkouts.users.models import User
from allworkouts.users.tests.factories import TEST_PASSWORD
from allworkouts.users.tests.markup import audit_page

LOGIN_URL = reverse("account_login")
LOGOUT_URL = reverse("account_logout")
SIGNUP_URL = reverse("account_signup")
RESET_URL = reverse("account_reset_password")
NEW_PASSWORD = "squat-bench-deadlift-2026"


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_signing_up_creates_the_user_logs_them_in_and_opens_settings(client, db):
    form_page = client.get(SIGNUP_URL)
    audit_page(form_page)

    response = client.post(
        SIGNUP_URL,
        {"email": "New.Lifter@Example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("user_settings")
    user = User.objects.get(email__iexact="new.lifter@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert str(user.pk) == logged_in_user_id(client)
    assert client.get(response["Location"]).status_code == 200


def test_signing_up_with_mismatched_passwords_shows_the_error_and_keeps_the_email(client, db):
    response = client.post(
        SIGNUP_URL,
        {"email": "lifter@example.com", "password1": NEW_PASSWORD, "password2": "something-else"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "You must type the same password each time." in html
    assert 'value="lifter@example.com"' in html
    assert not User.objects.filter(email="lifter@example.com").exists()
    audit_page(response)


def test_signing_up_with_a_taken_email_is_refused(client, user):
    response = client.post(
        SIGNUP_URL, {"email": user.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert logged_in_user_id(client) is None


def test_logging_in_and_out(client, user):
    response = client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(user.pk)
    home = client.get(reverse("home"))
    assert f'action="{LOGOUT_URL}"' in home.content.decode()

    response = client.post(LOGOUT_URL, follow=True)

    assert response.redirect_chain == [(LOGIN_URL, 302)]
    assert logged_in_user_id(client) is None
    assert "You have logged out." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_only_asks_for_confirmation(logged_in_client, user):
    response = logged_in_client.get(LOGOUT_URL)

    assert response.status_code == 200
    assert logged_in_client.session.get(SESSION_KEY) == str(user.pk)
    audit_page(response)


def test_a_wrong_password_is_refused_on_the_login_page(client, user):
    response = client.post(LOGIN_URL, {"login": user.email, "password": "not-the-password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in html
    assert f'value="{user.email}"' in html
    assert logged_in_user_id(client) is None
    audit_page(response)


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client, user):
    # ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per 5 minutes for one account.
    for _ in range(5):
        failed = client.post(LOGIN_URL, {"login": user.email, "password": "wrong-password"})
        assert "Too many failed login attempts" not in failed.content.decode()

    response = client.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_flood_of_login_posts_from_one_address_gets_429(client, db):
    # ACCOUNT_RATE_LIMITS["login"] allows 30 login posts a minute from one address.
    for attempt in range(30):
        email = f"nobody{attempt}@example.com"
        assert client.post(LOGIN_URL, {"login": email, "password": "x"}).status_code == 200

    response = client.post(LOGIN_URL, {"login": "nobody@example.com", "password": "x"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_password_reset_mails_a_link_that_sets_a_new_password(client, user):
    response = client.post(RESET_URL, {"email": user.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    key_page = client.get(link.group(1), follow=True)
    assert key_page.status_code == 200
    assert 'name="password1"' in key_page.content.decode()
    audit_page(key_page)
    set_password_url = key_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(link.group(1), follow=True).context["token_fail"] is True
    client.post(LOGIN_URL, {"login": user.email, "password": NEW_PASSWORD})
    assert logged_in_user_id(client) == str(user.pk)


def test_password_reset_for_an_unknown_address_does_not_reveal_it(client, db):
    response = client.post(RESET_URL, {"email": "stranger@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert "/accounts/password/reset/key/" not in "".join(m.body for m in mail.outbox)


@pytest.mark.parametrize("path", ["/", "/settings/", "/settings/units/", "/settings/equipment/"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"


def test_anonymous_posts_to_settings_change_nothing(client, db):
    response = client.post(reverse("user_settings_units"), {"unit_system": "imperial"})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
    ],
)
def test_account_pages_answer_anonymous_visitors(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/app.css">' in response.content.decode()
    audit_page(response)


def test_logged_in_account_management_pages_use_the_app_shell(logged_in_client):
    for url_name in ["account_email", "account_change_password"]:
        response = logged_in_client.get(reverse(url_name))

        assert response.status_code == 200, url_name
        html = response.content.decode()
        assert 'class="site-header"' in html, url_name
        assert "Log out</button>" in html, url_name
        audit_page(response)


def test_the_email_page_lists_the_address_of_a_user_who_signed_up(client, db):
    client.post(
        SIGNUP_URL,
        {"email": "fresh@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    response = client.get(reverse("account_email"))

    html = response.content.decode()
    assert "fresh@example.com" in html
    assert "Unverified" in html
    audit_page(response)
