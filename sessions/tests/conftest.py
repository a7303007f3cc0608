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
