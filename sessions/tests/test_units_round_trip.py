"""Weights typed in the lifter's unit are stored in kg and come back exactly as typed, for the
values lifters use: kg in 0.25 steps, lb in 0.5 steps. Through the real views and forms."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allworkouts.units import KG_PER_LB
from allworkouts.users.models import UnitSystem
from plans.tests.factories import WorkoutExerciseFactory
from sessions.services import MAX_WEIGHT_KG
from sessions.tests.workout_pages import HTMX, log_data, open_edit, sets_of, start, text

pytestmark = pytest.mark.django_db

FIXTURES_KEPT = settings(
    max_examples=60,
    deadline=None,
    # One workout serves every example: each example deletes the set it logged.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Phone keyboards offer a decimal point or a decimal comma.
SEPARATORS = st.sampled_from([".", ","])


@pytest.fixture
def slot(user):
    return WorkoutExerciseFactory(workout_plan__user=user)


@pytest.fixture
def workout(logged_in_client, slot):
    return start(logged_in_client, slot.workout_plan)


@pytest.fixture
def imperial(user):
    user.unit_system = UnitSystem.IMPERIAL
    user.save(update_fields=["unit_system"])


def as_typed(weight: Decimal, separator: str) -> str:
    return format(weight, "f").replace(".", separator)


def log_and_read_back(client, user, workout, slot, typed: str) -> tuple[Decimal, str, str]:
    """Log a set weighing `typed`: (the kg stored, the weight its edit form shows, the row's
    text). The set is deleted again."""
    url = reverse("workout_set_log", args=[workout.pk, slot.pk])
    answer = client.post(url, log_data(slot, 1, weight=typed), **HTMX).content.decode()
    (logged,) = sets_of(user, workout)
    _action, fields = open_edit(client, answer, slot, 1)
    client.post(reverse("workout_set_delete", args=[workout.pk, logged.pk]), **HTMX)
    return logged.weight, fields["weight"], text(answer)


@FIXTURES_KEPT
@given(quarters=st.integers(0, int(MAX_WEIGHT_KG * 4)), separator=SEPARATORS)
def test_kilograms_round_trip(logged_in_client, user, workout, slot, quarters, separator):
    weight = Decimal(quarters) / 4

    stored, shown, row = log_and_read_back(
        logged_in_client, user, workout, slot, as_typed(weight, separator)
    )

    assert stored == weight
    assert shown == format(weight, "f")
    assert f"{format(weight, 'f')} kg x 8" in row


@FIXTURES_KEPT
@given(halves=st.integers(0, int(MAX_WEIGHT_KG / KG_PER_LB * 2)), separator=SEPARATORS)
def test_pounds_round_trip(logged_in_client, user, imperial, workout, slot, halves, separator):
    weight = Decimal(halves) / 2

    stored, shown, row = log_and_read_back(
        logged_in_client, user, workout, slot, as_typed(weight, separator)
    )

    # Stored exactly: 0.5 lb steps times 0.45359237 need at most nine decimals.
    assert stored == weight * KG_PER_LB
    assert shown == format(weight, "f")
    assert f"{format(weight, 'f')} lb x 8" in row


def test_the_heaviest_weight_in_pounds_is_the_kg_limit(
    logged_in_client, user, imperial, workout, slot
):
    url = reverse("workout_set_log", args=[workout.pk, slot.pk])

    too_heavy = logged_in_client.post(url, log_data(slot, 1, weight="2205"), **HTMX)

    assert "Enter a weight from 0 to 2204.62 lb" in text(too_heavy.content.decode())
    assert sets_of(user, workout) == []
