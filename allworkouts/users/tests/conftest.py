import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts per client IP in the cache, which every test client shares."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client
