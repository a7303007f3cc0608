"""The web session and the user that every request reads, through written-out queries
(allworkouts.users.session_store, allworkouts.users.backends): they must find what Django's own
session store and backends find, and refuse what they refuse."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from allworkouts.users.backends import AuthenticationBackend, ModelBackend
from allworkouts.users.models import UnitSystem
from allworkouts.users.session_store import SessionStore
from allworkouts.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_session_loads_as_djangos_store_loads_it():
    stored = SessionStore()
    stored.update({"answer": 42, "nested": {"list": [1, "two"]}})
    stored.create()

    assert SessionStore(stored.session_key).load() == {"answer": 42, "nested": {"list": [1, "two"]}}
    assert SessionStore(stored.session_key).load() == DjangoSessionStore(stored.session_key).load()


def test_an_expired_unknown_or_malformed_key_loads_nothing():
    expired = SessionStore()
    expired["answer"] = 42
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (expired.session_key, "x" * 32, "short", "' OR 1=1 --" + "x" * 20, None):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_builds_the_user_the_orm_builds(backend_class):
    user = UserFactory(unit_system=UnitSystem.IMPERIAL, is_staff=True)
    expected = DjangoModelBackend().get_user(user.pk)

    found = backend_class().get_user(user.pk)

    assert type(found) is type(expected)
    assert {
        field.attname: getattr(found, field.attname) for field in user._meta.concrete_fields
    } == {field.attname: getattr(expected, field.attname) for field in user._meta.concrete_fields}
    assert found._state.adding is False
    assert found.get_session_auth_hash() == expected.get_session_auth_hash()


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_refuses_an_inactive_or_missing_user(backend_class):
    inactive = UserFactory(is_active=False)

    assert backend_class().get_user(inactive.pk) is None
    assert backend_class().get_user(inactive.pk + 1000) is None


def test_a_deactivated_lifter_is_logged_out_on_the_next_request(client):
    lifter = UserFactory()
    client.force_login(lifter)
    assert client.get(reverse("home")).status_code == 200

    lifter.is_active = False
    lifter.save(update_fields=["is_active"])

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_session_whose_row_is_gone_is_logged_out(client):
    client.force_login(UserFactory())
    key = client.session.session_key
    assert client.session[SESSION_KEY]

    Session.objects.filter(session_key=key).delete()

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
