"""The progress chart's geometry: data in, SVG coordinates and labels out.

No database and no markup here. The template draws what this returns as inline SVG (<polyline>,
<circle>, <text>) styled by classes from static/css/records.css: the strict CSP allows no inline
style, and the page needs no JavaScript. Coordinates are in the SVG's viewBox units; the <svg>
scales to its container's width.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils import dateformat, timezone

from allworkouts import units
from records.selectors import WorkoutBest

WIDTH = 320
HEIGHT = 200
# Room for a weight label such as "102.5 kg" on the left and a date under the plot.
PLOT_LEFT = 58
PLOT_RIGHT = WIDTH - 12
PLOT_TOP = 12
PLOT_BOTTOM = HEIGHT - 28
DATE_LABEL_Y = HEIGHT - 8
VALUE_LABEL_X = PLOT_LEFT - 6
# The weight axis aims at this many steps between ticks; round steps make it 2 to 6.
VALUE_STEPS = 4
ROUND_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
# The chart needs two workouts to show a change; with fewer the page says so instead.
MIN_WORKOUTS = 2
# Markers shrink on a crowded line, so the line itself stays readable.
MARKER_RADIUS = 3
CROWDED_MARKER_RADIUS = 1.75
CROWDED_POINTS = 40


@dataclass(frozen=True)
class Series:
    label: str
    # The CSS class that draws it: line colour and dash, marker fill.
    css_class: str
    points: Sequence[tuple[datetime, Decimal]]


@dataclass(frozen=True)
class Tick:
    # x on the date axis, y on the value axis.
    position: float
    label: str
    # SVG text-anchor: value labels end at the axis; the first and last dates align inward, so
    # every label stays inside the viewBox.
    anchor: str = "end"


@dataclass(frozen=True)
class Marker:
    x: float
    y: float


@dataclass(frozen=True)
class PlottedSeries:
    label: str
    css_class: str
    markers: list[Marker]

    @property
    def polyline(self) -> str:
        """The `points` attribute of the series' <polyline>."""
        return " ".join(f"{marker.x},{marker.y}" for marker in self.markers)


@dataclass(frozen=True)
class LineChart:
    series: list[PlottedSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    # Read by screen readers as the chart's <desc>.
    summary: str
    marker_radius: float = MARKER_RADIUS
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    date_label_y: int = DATE_LABEL_Y
    value_label_x: int = VALUE_LABEL_X

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def round_step(rough: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `rough`."""
    magnitude = Decimal(1).scaleb(rough.adjusted())
    return next(step * magnitude for step in ROUND_STEPS if step * magnitude >= rough)


def value_ticks(low: Decimal, high: Decimal, *, steps: int = VALUE_STEPS) -> list[Decimal]:
    """Round tick values from at or below `low` to at or above `high`, about `steps` apart.

    The values are weights, never below zero. The axis starts where the data does, not at zero:
    progress from 80 to 102.5 kg should fill the chart. Equal ends (a flat line) get a band
    around the value, so the line runs mid-chart; the band stops at zero.
    """
    if not 0 <= low <= high:
        raise ValueError(f"Expected 0 <= low <= high, got {low} and {high}.")
    if high == low:
        half_band = max(high / 20, Decimal("0.5"))
        low, high = max(low - half_band, Decimal(0)), high + half_band
    step = round_step((high - low) / steps)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    count = int((last - first) / step) + 1
    return [first + step * index for index in range(count)]


def _plain(number: Decimal) -> str:
    """100, 102.5: no exponent, no trailing zeros."""
    return f"{number.normalize():f}"


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """`value` in [low, high] mapped to [start, end], one decimal; the middle when low == high."""
    if high == low:
        return round((start + end) / 2, 1)
    return round(start + (value - low) / (high - low) * (end - start), 1)


def _date_label(moment: datetime, *, with_year: bool) -> str:
    return dateformat.format(timezone.localtime(moment), "M Y" if with_year else "j M")


def _date_ticks(first: datetime, last: datetime) -> list[Tick]:
    """First, middle and last dates; a label equal to its neighbour's is left out."""
    if first == last:
        return [
            Tick(
                position=(PLOT_LEFT + PLOT_RIGHT) / 2,
                label=_date_label(first, with_year=False),
                anchor="middle",
            )
        ]
    with_year = timezone.localtime(first).year != timezone.localtime(last).year
    candidates = [
        Tick(PLOT_LEFT, _date_label(first, with_year=with_year), "start"),
        Tick(
            (PLOT_LEFT + PLOT_RIGHT) / 2,
            _date_label(first + (last - first) / 2, with_year=with_year),
            "middle",
        ),
        Tick(PLOT_RIGHT, _date_label(last, with_year=with_year), "end"),
    ]
    ticks = [candidates[0]]
    for tick in candidates[1:]:
        if tick.label != ticks[-1].label:
            ticks.append(tick)
    return ticks


def line_chart(series: Sequence[Series], *, unit: str, summary: str) -> LineChart:
    """Place every point of every series on one date axis and one value axis in `unit`."""
    points = [point for one in series for point in one.points]
    if not points:
        raise ValueError("A chart needs at least one point.")
    first = min(moment for moment, _ in points)
    last = max(moment for moment, _ in points)
    values = value_ticks(min(value for _, value in points), max(value for _, value in points))
    bottom, top = float(values[0]), float(values[-1])
    start, end = first.timestamp(), last.timestamp()

    def marker(moment: datetime, value: Decimal) -> Marker:
        return Marker(
            x=_scale(moment.timestamp(), start, end, PLOT_LEFT, PLOT_RIGHT),
            y=_scale(float(value), bottom, top, PLOT_BOTTOM, PLOT_TOP),
        )

    return LineChart(
        series=[
            PlottedSeries(
                label=one.label,
                css_class=one.css_class,
                markers=[marker(moment, value) for moment, value in sorted(one.points)],
            )
            for one in series
        ],
        x_ticks=_date_ticks(first, last),
        y_ticks=[
            Tick(
                _scale(float(value), bottom, top, PLOT_BOTTOM, PLOT_TOP), f"{_plain(value)} {unit}"
            )
            for value in values
        ],
        summary=summary,
        marker_radius=(
            CROWDED_MARKER_RADIUS
            if max(len(one.points) for one in series) > CROWDED_POINTS
            else MARKER_RADIUS
        ),
    )


def _change(label: str, first: Decimal, last: Decimal, unit_system: str) -> str:
    return (
        f"{label} from {units.format_weight(first, unit_system)} "
        f"to {units.format_weight(last, unit_system)}"
    )


def progress_chart(bests: Sequence[WorkoutBest], *, unit_system: str) -> LineChart | None:
    """Estimated 1RM and heaviest weight per workout (`bests` oldest first) in the lifter's
    unit; None with fewer than MIN_WORKOUTS workouts.

    A workout without a set of 1 to 12 reps has no estimate: that line skips it.
    """
    if len(bests) < MIN_WORKOUTS:
        return None
    estimated = [best for best in bests if best.one_rep_max_kg is not None]
    series = [
        Series(
            "Estimated 1RM",
            "chart-series--one-rep-max",
            [
                (best.started_at, units.from_kg(best.one_rep_max_kg, unit_system))
                for best in estimated
            ],
        ),
        Series(
            "Heaviest weight",
            "chart-series--heaviest",
            [(best.started_at, units.from_kg(best.heaviest_kg, unit_system)) for best in bests],
        ),
    ]
    changes = []
    if estimated:
        first, last = estimated[0].one_rep_max_kg, estimated[-1].one_rep_max_kg
        changes.append(_change("estimated 1RM", first, last, unit_system))
    changes.append(
        _change("heaviest weight", bests[0].heaviest_kg, bests[-1].heaviest_kg, unit_system)
    )
    summary = f"{' and '.join(changes)} over {len(bests)} workouts."
    return line_chart(
        [one for one in series if one.points],
        unit=units.unit_label(unit_system),
        summary=summary[:1].upper() + summary[1:],
    )
