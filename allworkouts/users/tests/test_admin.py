import pytest
from django.urls import reverse

from allworkouts.users.models import User
from allworkouts.users.tests.factories import UserFactory


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_the_user_admin_lists_and_searches_by_email(staff_client):
    UserFactory(email="squat.rack@example.com")
    response = staff_client.get(reverse("admin:users_user_changelist"), {"q": "squat.rack"})
    assert response.status_code == 200
    assert b"squat.rack@example.com" in response.content


@pytest.mark.django_db
def test_the_user_admin_adds_a_user_by_email_and_changes_the_unit_system(staff_client):
    response = staff_client.post(
        reverse("admin:users_user_add"),
        {
            "email": "new.lifter@example.com",
            "usable_password": "true",
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
        },
    )
    assert response.status_code == 302
    lifter = User.objects.get(email="new.lifter@example.com")
    assert lifter.check_password("a-long-enough-password-42")

    change_url = reverse("admin:users_user_change", args=[lifter.pk])
    assert staff_client.get(change_url).status_code == 200
    response = staff_client.post(
        change_url,
        {"email": "new.lifter@example.com", "unit_system": "imperial", "is_active": "on"},
    )
    assert response.status_code == 302
    lifter.refresh_from_db()
    assert lifter.unit_system == "imperial"
