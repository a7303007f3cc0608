import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.models import UnitSystem, UserEquipment
from allworkouts.users.selectors import user_owned_equipment, user_owned_equipment_ids
from allworkouts.users.services import user_equipment_set, user_settings_update
from allworkouts.users.tests.factories import UserEquipmentFactory
from catalog.tests.factories import EquipmentFactory


def rows_of(user):
    with as_user(user):
        return list(UserEquipment.all_objects.filter(user=user).order_by("equipment__name"))


def test_user_settings_update_saves_the_unit_system(user):
    user_settings_update(user=user, unit_system="imperial")

    user.refresh_from_db()
    assert user.unit_system == UnitSystem.IMPERIAL


def test_user_settings_update_refuses_an_unknown_unit_system(user):
    with pytest.raises(ValidationError):
        user_settings_update(user=user, unit_system="stone")

    user.refresh_from_db()
    assert user.unit_system == UnitSystem.METRIC


def test_user_equipment_set_sets_its_own_row_level_security_context(user):
    """Callers outside a request (commands, shell) need no as_user of their own."""
    barbell = EquipmentFactory(name="Barbell")

    user_equipment_set(user=user, equipment_ids=[barbell.pk])

    assert user_owned_equipment_ids(user=user) == {barbell.pk}


def test_restoring_keeps_the_rows_creation_time_and_moves_its_update_time(user):
    barbell = EquipmentFactory(name="Barbell")
    user_equipment_set(user=user, equipment_ids=[barbell.pk])
    [first] = rows_of(user)
    user_equipment_set(user=user, equipment_ids=[])
    [deleted] = rows_of(user)

    user_equipment_set(user=user, equipment_ids=[barbell.pk])

    [restored] = rows_of(user)
    assert restored.pk == deleted.pk == first.pk
    assert deleted.deleted_at is not None
    assert restored.deleted_at is None
    assert restored.created_at == first.created_at
    assert restored.updated_at > deleted.updated_at >= first.updated_at


def test_saving_the_same_ticks_again_changes_nothing(user):
    barbell, dumbbell = EquipmentFactory(name="Barbell"), EquipmentFactory(name="Dumbbell")
    user_equipment_set(user=user, equipment_ids=[barbell.pk, dumbbell.pk])
    before = [(row.pk, row.deleted_at, row.updated_at) for row in rows_of(user)]

    user_equipment_set(user=user, equipment_ids=[dumbbell.pk, barbell.pk])

    assert [(row.pk, row.deleted_at, row.updated_at) for row in rows_of(user)] == before


def test_ownership_of_retired_equipment_is_left_alone(user):
    barbell = EquipmentFactory(name="Barbell")
    sled = EquipmentFactory(name="Sled")
    user_equipment_set(user=user, equipment_ids=[barbell.pk, sled.pk])
    sled.retired_at = timezone.now()
    sled.save()

    user_equipment_set(user=user, equipment_ids=[])

    assert {row.equipment.name: row.deleted_at is None for row in rows_of(user)} == {
        "Barbell": False,
        "Sled": True,
    }
    assert user_owned_equipment_ids(user=user) == {sled.pk}
    assert user_owned_equipment(user=user) == []


@pytest.mark.parametrize("which", ["retired", "unknown"])
def test_equipment_that_is_not_offered_is_refused_and_nothing_changes(user, which):
    barbell = EquipmentFactory(name="Barbell")
    retired = EquipmentFactory(name="Sled", retired_at=timezone.now())
    bad_id = retired.pk if which == "retired" else retired.pk + 1000
    user_equipment_set(user=user, equipment_ids=[barbell.pk])

    with pytest.raises(ValidationError, match=str(bad_id)):
        user_equipment_set(user=user, equipment_ids=[bad_id])

    assert user_owned_equipment_ids(user=user) == {barbell.pk}


def test_users_do_not_touch_each_others_rows(user, other_user):
    barbell = EquipmentFactory(name="Barbell")
    with as_user(other_user):
        UserEquipmentFactory(user=other_user, equipment=barbell)

    user_equipment_set(user=user, equipment_ids=[barbell.pk])
    user_equipment_set(user=user, equipment_ids=[])

    assert user_owned_equipment_ids(user=other_user) == {barbell.pk}
    assert [row.deleted_at is None for row in rows_of(user)] == [False]


def test_owned_equipment_is_listed_by_name(user):
    ids = [EquipmentFactory(name=name).pk for name in ["Kettlebell", "Barbell", "Dumbbell"]]
    user_equipment_set(user=user, equipment_ids=ids)

    assert [e.name for e in user_owned_equipment(user=user)] == [
        "Barbell",
        "Dumbbell",
        "Kettlebell",
    ]
