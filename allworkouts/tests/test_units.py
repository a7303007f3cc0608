from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from allworkouts.units import format_weight, from_kg, to_kg
from catalog.models import WEIGHT_DECIMAL_PLACES, WEIGHT_MAX_DIGITS

# What lifters load: 0.25 kg steps up to 1,000 kg, 0.5 lb steps up to 2,000 lb.
kilograms = st.integers(min_value=0, max_value=4000).map(lambda quarters: Decimal(quarters) / 4)
pounds = st.integers(min_value=0, max_value=4000).map(lambda halves: Decimal(halves) / 2)


def fits_the_column(kg: Decimal) -> bool:
    _sign, digits, exponent = kg.as_tuple()
    return -exponent <= WEIGHT_DECIMAL_PLACES and len(digits) <= WEIGHT_MAX_DIGITS


@given(kilograms)
def test_kilograms_round_trip_exactly(weight):
    stored = to_kg(weight, "metric")
    assert stored == weight
    assert fits_the_column(stored.normalize())
    assert from_kg(stored, "metric") == weight


@given(pounds)
def test_pounds_are_stored_exactly_and_shown_as_typed(weight):
    stored = to_kg(weight, "imperial")
    assert stored == weight * Decimal("0.45359237")  # exact: no rounding happened
    assert fits_the_column(stored.normalize())
    assert from_kg(stored, "imperial") == weight


def test_weights_read_as_lifters_write_them():
    assert format_weight(Decimal("100.000000000"), "metric") == "100 kg"
    assert format_weight(Decimal("102.500000000"), "metric") == "102.5 kg"
    assert format_weight(to_kg(Decimal("225"), "imperial"), "imperial") == "225 lb"
    assert format_weight(to_kg(Decimal("135"), "imperial"), "metric") == "61.23 kg"
    assert format_weight(to_kg(Decimal("60"), "metric"), "imperial") == "132.28 lb"
