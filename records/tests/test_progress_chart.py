"""The progress chart's geometry (records/charts.py): pure functions, no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from allworkouts import units
from allworkouts.users.models import UnitSystem
from records import charts
from records.charts import Series, line_chart, progress_chart, round_step, value_ticks
from records.selectors import WorkoutBest

MONDAY = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)


def day(offset: int) -> datetime:
    return MONDAY + timedelta(days=offset)


def best(offset, one_rep_max, heaviest, reps=5):
    return WorkoutBest(
        workout_id=offset + 1,
        workout_name="Push day",
        started_at=day(offset),
        one_rep_max_kg=None if one_rep_max is None else Decimal(one_rep_max),
        heaviest_kg=Decimal(heaviest),
        heaviest_reps=reps,
    )


@pytest.mark.parametrize(
    ("rough", "step"),
    [
        ("0.3", "0.5"),
        ("1", "1"),
        ("1.2", "2"),
        ("2.2", "2.5"),
        ("3", "5"),
        ("5.6", "10"),
        ("7.5", "10"),
        ("12", "20"),
        ("23", "25"),
        ("260", "500"),
    ],
)
def test_a_step_is_rounded_up_to_one_two_two_and_a_half_or_five_times_a_power_of_ten(rough, step):
    assert round_step(Decimal(rough)) == Decimal(step)


def test_ticks_enclose_the_data_at_round_steps():
    ticks = value_ticks(Decimal("80"), Decimal("102.5"))

    # 22.5 kg in about four steps: 5.6 rounds up to 10.
    assert ticks == [Decimal(value) for value in ("80", "90", "100", "110")]


def test_ticks_start_where_the_data_does_not_at_zero():
    ticks = value_ticks(Decimal("140"), Decimal("150"))

    assert ticks == [Decimal(value) for value in ("140", "142.5", "145", "147.5", "150")]


@pytest.mark.parametrize(
    ("low", "high"),
    [("0.5", "0.75"), ("1", "1000"), ("61.23", "61.24"), ("2.5", "317.5"), ("0", "20")],
)
def test_ticks_number_three_to_seven_and_cover_the_range(low, high):
    ticks = value_ticks(Decimal(low), Decimal(high))

    assert 3 <= len(ticks) <= 7
    assert ticks[0] <= Decimal(low)
    assert ticks[-1] >= Decimal(high)
    steps = {later - earlier for earlier, later in pairwise(ticks)}
    assert len(steps) == 1


def test_equal_values_get_a_band_with_the_value_in_the_middle():
    ticks = value_ticks(Decimal("100"), Decimal("100"))

    assert ticks[0] < Decimal("100") < ticks[-1]
    assert ticks[0] + ticks[-1] == Decimal("200")


def test_the_band_of_a_tiny_flat_value_stops_at_zero():
    ticks = value_ticks(Decimal("0.2"), Decimal("0.2"))

    assert ticks[0] == 0
    assert ticks[-1] > Decimal("0.2")


@pytest.mark.parametrize(("low", "high"), [("5", "4"), ("-1", "4")])
def test_a_reversed_or_negative_range_is_refused(low, high):
    with pytest.raises(ValueError, match="Expected 0 <= low <= high"):
        value_ticks(Decimal(low), Decimal(high))


def test_points_are_scaled_into_the_plot_first_date_left_highest_value_top():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(0), Decimal("80")), (day(10), Decimal("100"))])],
        unit="kg",
        summary="",
    )

    (plotted,) = chart.series
    first, last = plotted.markers
    assert (first.x, last.x) == (charts.PLOT_LEFT, charts.PLOT_RIGHT)
    # 80 and 100 are the lowest and highest ticks: the plot's bottom and top edges.
    assert (first.y, last.y) == (charts.PLOT_BOTTOM, charts.PLOT_TOP)
    assert plotted.polyline == f"{first.x},{first.y} {last.x},{last.y}"


def test_x_is_proportional_to_time_and_y_to_the_value():
    chart = line_chart(
        [
            Series(
                "Est. 1RM",
                "one",
                [(day(0), Decimal("80")), (day(3), Decimal("90")), (day(12), Decimal("100"))],
            )
        ],
        unit="kg",
        summary="",
    )

    middle = chart.series[0].markers[1]
    plot_width = charts.PLOT_RIGHT - charts.PLOT_LEFT
    plot_height = charts.PLOT_BOTTOM - charts.PLOT_TOP
    assert middle.x == pytest.approx(charts.PLOT_LEFT + plot_width / 4, abs=0.1)
    assert middle.y == pytest.approx(charts.PLOT_BOTTOM - plot_height / 2, abs=0.1)


def test_every_series_shares_the_axes():
    chart = line_chart(
        [
            Series("Est. 1RM", "one", [(day(0), Decimal("100")), (day(7), Decimal("120"))]),
            Series("Heaviest", "two", [(day(0), Decimal("80")), (day(7), Decimal("100"))]),
        ],
        unit="kg",
        summary="",
    )

    one_rep_max, heaviest = chart.series
    assert one_rep_max.markers[0].y == heaviest.markers[1].y  # both 100
    assert chart.y_ticks[0].label == "80 kg"
    assert chart.y_ticks[-1].label == "120 kg"


def test_a_single_point_sits_in_the_middle_of_the_plot():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(0), Decimal("100"))])], unit="kg", summary=""
    )

    (marker,) = chart.series[0].markers
    assert marker.x == (charts.PLOT_LEFT + charts.PLOT_RIGHT) / 2
    assert marker.y == (charts.PLOT_TOP + charts.PLOT_BOTTOM) / 2
    assert [tick.label for tick in chart.x_ticks] == ["3 Mar"]


def test_equal_values_draw_a_flat_line_across_the_middle():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(offset), Decimal("100")) for offset in range(4)])],
        unit="kg",
        summary="",
    )

    assert {marker.y for marker in chart.series[0].markers} == {
        (charts.PLOT_TOP + charts.PLOT_BOTTOM) / 2
    }


def test_value_ticks_run_bottom_to_top_with_the_unit_and_no_trailing_zeros():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(0), Decimal("97.5")), (day(1), Decimal("102.5"))])],
        unit="lb",
        summary="",
    )

    labels = [tick.label for tick in chart.y_ticks]
    assert labels == ["96 lb", "98 lb", "100 lb", "102 lb", "104 lb"]
    positions = [tick.position for tick in chart.y_ticks]
    assert positions[0] == charts.PLOT_BOTTOM
    assert positions[-1] == charts.PLOT_TOP
    assert positions == sorted(positions, reverse=True)


def test_half_steps_are_labelled_as_lifters_write_them():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(0), Decimal("100")), (day(1), Decimal("110"))])],
        unit="kg",
        summary="",
    )

    assert [tick.label for tick in chart.y_ticks] == [
        "100 kg",
        "102.5 kg",
        "105 kg",
        "107.5 kg",
        "110 kg",
    ]


def test_date_ticks_are_the_first_middle_and_last_dates_anchored_inside():
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(0), Decimal("100")), (day(20), Decimal("110"))])],
        unit="kg",
        summary="",
    )

    assert [(tick.label, tick.anchor) for tick in chart.x_ticks] == [
        ("3 Mar", "start"),
        ("13 Mar", "middle"),
        ("23 Mar", "end"),
    ]
    assert [tick.position for tick in chart.x_ticks] == [
        charts.PLOT_LEFT,
        (charts.PLOT_LEFT + charts.PLOT_RIGHT) / 2,
        charts.PLOT_RIGHT,
    ]


def test_two_workouts_on_one_day_get_one_date_label():
    chart = line_chart(
        [
            Series(
                "Est. 1RM",
                "one",
                [(MONDAY, Decimal("100")), (MONDAY + timedelta(hours=2), Decimal("105"))],
            )
        ],
        unit="kg",
        summary="",
    )

    assert [tick.label for tick in chart.x_ticks] == ["3 Mar"]
    first, second = chart.series[0].markers
    assert first.x < second.x


def test_a_history_across_new_year_labels_months_with_years():
    chart = line_chart(
        [
            Series(
                "Est. 1RM",
                "one",
                [
                    (datetime(2024, 11, 20, tzinfo=UTC), Decimal("100")),
                    (datetime(2025, 2, 20, tzinfo=UTC), Decimal("110")),
                ],
            )
        ],
        unit="kg",
        summary="",
    )

    assert [tick.label for tick in chart.x_ticks] == ["Nov 2024", "Jan 2025", "Feb 2025"]


@pytest.mark.parametrize(
    ("points", "radius"),
    [(2, charts.MARKER_RADIUS), (40, charts.MARKER_RADIUS), (41, charts.CROWDED_MARKER_RADIUS)],
)
def test_markers_shrink_on_a_crowded_line(points, radius):
    chart = line_chart(
        [Series("Est. 1RM", "one", [(day(offset), Decimal("100")) for offset in range(points)])],
        unit="kg",
        summary="",
    )

    assert chart.marker_radius == radius


def test_a_chart_of_nothing_is_refused():
    with pytest.raises(ValueError, match="at least one point"):
        line_chart([Series("Est. 1RM", "one", [])], unit="kg", summary="")


@pytest.mark.parametrize("workouts", [0, 1])
def test_the_progress_chart_needs_two_workouts(workouts):
    bests = [best(offset, "100", "90") for offset in range(workouts)]

    assert progress_chart(bests, unit_system=UnitSystem.METRIC) is None


def test_the_progress_chart_draws_both_lines_and_summarises_them():
    bests = [best(0, "80", "70"), best(7, "95", "85"), best(14, "102.5", "95")]

    chart = progress_chart(bests, unit_system=UnitSystem.METRIC)

    assert [series.label for series in chart.series] == ["Estimated 1RM", "Heaviest weight"]
    assert [len(series.markers) for series in chart.series] == [3, 3]
    assert chart.summary == (
        "Estimated 1RM from 80 kg to 102.5 kg and heaviest weight from 70 kg to 95 kg "
        "over 3 workouts."
    )
    assert chart.y_ticks[0].label == "70 kg"
    assert chart.y_ticks[-1].label == "110 kg"


def test_a_workout_without_a_set_of_twelve_reps_or_fewer_has_no_estimate_point():
    bests = [best(0, "80", "70"), best(7, None, "60", reps=15), best(14, "90", "75")]

    chart = progress_chart(bests, unit_system=UnitSystem.METRIC)

    one_rep_max, heaviest = chart.series
    assert len(one_rep_max.markers) == 2
    assert len(heaviest.markers) == 3
    assert one_rep_max.markers[1].x == heaviest.markers[2].x


def test_without_any_estimate_only_the_heaviest_line_is_drawn():
    bests = [best(0, None, "20", reps=20), best(7, None, "25", reps=15)]

    chart = progress_chart(bests, unit_system=UnitSystem.METRIC)

    assert [series.label for series in chart.series] == ["Heaviest weight"]
    assert chart.summary == "Heaviest weight from 20 kg to 25 kg over 2 workouts."


def test_an_imperial_lifter_reads_the_chart_in_pounds():
    pounds = {lb: units.to_kg(Decimal(lb), UnitSystem.IMPERIAL) for lb in ("185", "225", "265")}
    bests = [best(0, pounds["225"], pounds["185"]), best(7, pounds["265"], pounds["225"])]

    chart = progress_chart(bests, unit_system=UnitSystem.IMPERIAL)

    assert chart.summary == (
        "Estimated 1RM from 225 lb to 265 lb and heaviest weight from 185 lb to 225 lb "
        "over 2 workouts."
    )
    assert all(tick.label.endswith(" lb") for tick in chart.y_ticks)
    assert chart.y_ticks[0].label == "180 lb"
    assert chart.y_ticks[-1].label == "280 lb"
