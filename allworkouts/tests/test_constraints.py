"""PostgreSQL enforces the catalog's and the users' constraints, whatever the Python code does.

Rows are written with save(), update() or raw SQL, none of which runs model validation, so every
refusal here comes from the database. The user-scoped tables' constraints are tested in their
apps' tests/test_models.py.
"""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError

from allworkouts.rls import as_user
from allworkouts.tests.database import refused, violates
from allworkouts.users.models import User, UserEquipment
from allworkouts.users.tests.factories import UserEquipmentFactory, UserFactory
from catalog.models import Exercise, ExerciseEquipment, MuscleGroup
from catalog.tests.factories import EquipmentFactory, ExerciseFactory

pytestmark = pytest.mark.django_db


def test_an_exercise_name_is_unique():
    ExerciseFactory(name="Bench press")

    with violates("exercise_name_key"):
        ExerciseFactory(name="Bench press")


def test_an_exercise_name_is_unique_whatever_its_case():
    ExerciseFactory(name="Bench press")

    with violates("exercise_name_ci_unique"):
        ExerciseFactory(name="BENCH PRESS")


def test_an_equipment_name_is_unique():
    EquipmentFactory(name="Barbell")

    with violates("equipment_name_key"):
        EquipmentFactory(name="Barbell")


def test_an_equipment_name_is_unique_whatever_its_case():
    EquipmentFactory(name="Barbell")

    with violates("equipment_name_ci_unique"):
        EquipmentFactory(name="barbell")


def test_an_exercise_needs_a_piece_of_equipment_only_once():
    exercise, barbell = ExerciseFactory(), EquipmentFactory()
    ExerciseEquipment.objects.create(exercise=exercise, equipment=barbell)

    with violates("exercise_equipment_unique"):
        ExerciseEquipment.objects.create(exercise=exercise, equipment=barbell)


@pytest.mark.parametrize("missing", ["exercise", "equipment"])
def test_an_exercise_equipment_row_needs_both_its_exercise_and_its_equipment(missing):
    link = ExerciseEquipment(exercise=ExerciseFactory(), equipment=EquipmentFactory())
    setattr(link, f"{missing}_id", None)

    with refused(IntegrityError, f'null value in column "{missing}_id" of relation'):
        link.save()


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("primary_muscle_groups", [], "exercise_has_primary_muscle"),
        ("default_weight", Decimal("-0.5"), "exercise_default_weight_not_negative"),
        ("default_reps", 0, "exercise_default_reps_range"),
        ("default_reps", 101, "exercise_default_reps_range"),
        ("default_rest_time_seconds", 901, "exercise_default_rest_range"),
    ],
)
def test_an_exercise_out_of_range_is_refused(field, value, constraint):
    with violates(constraint):
        ExerciseFactory(**{field: value})


def test_an_exercise_at_the_edges_of_its_ranges_is_accepted():
    exercise = ExerciseFactory(
        primary_muscle_groups=[MuscleGroup.CHEST],
        default_weight=Decimal("0"),
        default_reps=100,
        default_rest_time_seconds=900,
    )
    exercise.default_reps = 1
    exercise.default_rest_time_seconds = 0
    exercise.save()

    assert Exercise.objects.filter(pk=exercise.pk, default_reps=1).exists()


@pytest.mark.parametrize("field", ["primary_muscle_groups", "secondary_muscle_groups"])
def test_a_muscle_group_outside_the_enum_is_refused(field):
    exercise = ExerciseFactory()
    setattr(exercise, field, [MuscleGroup.CHEST, "wings"])

    with refused(DataError, 'invalid input value for enum muscle_group_enum: "wings"'):
        exercise.save()


def test_a_unit_system_outside_the_enum_is_refused(user):
    user.unit_system = "furlongs"

    with refused(DataError, 'invalid input value for enum unit_system_enum: "furlongs"'):
        user.save()
    with refused(DataError, 'invalid input value for enum unit_system_enum: "furlongs"'):
        User.objects.filter(pk=user.pk).update(unit_system="furlongs")


def test_an_email_address_is_unique_whatever_its_case():
    UserFactory(email="lifter@example.com")

    with violates("user_email_ci_unique"):
        UserFactory(email="Lifter@Example.com")


def test_a_user_owns_a_piece_of_equipment_only_once(user):
    barbell = EquipmentFactory()
    with as_user(user):
        UserEquipmentFactory(user=user, equipment=barbell)

        with violates("user_equipment_unique"):
            UserEquipmentFactory(user=user, equipment=barbell)


def test_two_users_may_own_the_same_equipment(user, other_user):
    barbell = EquipmentFactory()
    for owner in (user, other_user):
        with as_user(owner):
            UserEquipmentFactory(user=owner, equipment=barbell)

    for owner in (user, other_user):
        with as_user(owner):
            assert UserEquipment.objects.get().equipment_id == barbell.pk


def test_a_user_equipment_row_needs_its_equipment(user):
    with as_user(user), refused(IntegrityError, 'null value in column "equipment_id"'):
        UserEquipment.objects.create(user=user, equipment=None)
