from allworkouts.rls import as_user
from allworkouts.users.models import UserEquipment
from catalog.models import Equipment


def user_owned_equipment_ids(*, user) -> set[int]:
    """Ids of the equipment `user` owns (soft-deleted ownership excluded), in a row-level
    security context of its own (see `owned_equipment_ids` for the caller's)."""
    with as_user(user):
        return owned_equipment_ids(user=user)


def owned_equipment_ids(*, user) -> set[int]:
    """As `user_owned_equipment_ids`, in the caller's transaction, which carries the user's
    row-level security setting already: on the gym floor's pages, without the savepoint and
    settings a nested `as_user` would add."""
    return set(UserEquipment.objects.filter(user=user).values_list("equipment_id", flat=True))


def user_owned_equipment(*, user) -> list[Equipment]:
    """The offered (not retired) equipment `user` owns, by name."""
    owned_ids = user_owned_equipment_ids(user=user)
    return list(Equipment.objects.active().filter(id__in=owned_ids).order_by("name"))
