from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.models import UnitSystem, User, UserEquipment
from catalog.models import Equipment


@transaction.atomic
def user_settings_update(*, user: User, unit_system: str) -> User:
    if unit_system not in UnitSystem.values:
        raise ValidationError({"unit_system": f"Unknown unit system: {unit_system!r}."})
    user.unit_system = unit_system
    user.save(update_fields=["unit_system", "updated_at"])
    return user


def user_equipment_set(*, user: User, equipment_ids: Iterable[int]) -> None:
    """Make the offered equipment `user` owns exactly `equipment_ids`.

    Unticked equipment is soft-deleted and ticking it again restores the same row, so its
    created_at keeps telling when the user first had it. Ownership of retired equipment is left
    alone: it is not offered, so its absence from `equipment_ids` says nothing.
    """
    wanted = set(equipment_ids)
    with as_user(user):
        # Serialises concurrent saves by one user, which would otherwise both insert a new row.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        not_offered = wanted - set(
            Equipment.objects.active().filter(id__in=wanted).values_list("id", flat=True)
        )
        if not_offered:
            listed = ", ".join(map(str, sorted(not_offered)))
            raise ValidationError({"equipment": f"Equipment not offered: {listed}."})

        rows = UserEquipment.all_objects.filter(user=user, equipment__retired_at__isnull=True)
        owned = {row.equipment_id: row for row in rows}
        to_delete = [
            row.pk for id_, row in owned.items() if id_ not in wanted and row.deleted_at is None
        ]
        to_restore = [
            row.pk for id_, row in owned.items() if id_ in wanted and row.deleted_at is not None
        ]
        now = timezone.now()
        UserEquipment.all_objects.filter(pk__in=to_delete).update(deleted_at=now, updated_at=now)
        UserEquipment.all_objects.filter(pk__in=to_restore).update(deleted_at=None, updated_at=now)
        UserEquipment.objects.bulk_create(
            UserEquipment(user=user, equipment_id=equipment_id)
            for equipment_id in sorted(wanted - owned.keys())
        )
