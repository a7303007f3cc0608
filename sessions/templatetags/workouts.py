"""The words and numbers of the workout page and the history.

{% load workouts %}
{{ logged_set|set_text:user }}  →  "80 kg", a multiplication sign, "8"
{{ 90|duration }}               →  1:30
{{ workout|workout_length }}    →  1 h 5 min
{{ volume_kg|volume_in:user }}  →  12,450 kg
{% field_input row.form.reps %}  →  <input type="number" name="reps" ... id="...">
"""

from decimal import Decimal

from django import template
from django.forms.widgets import Input
from django.utils.html import escape
from django.utils.safestring import mark_safe

from allworkouts import units
from catalog.models import MuscleGroup
from sessions.models import SessionStatus

register = template.Library()


def format_set(weight_kg: Decimal, reps: int, unit_system: str) -> str:
    """Weight, multiplication sign, reps: the way lifters say it."""
    return f"{units.format_weight(weight_kg, unit_system)} \N{MULTIPLICATION SIGN} {reps}"


@register.simple_tag
def field_input(field) -> str:
    """The <input> of a form field whose widget is an Input (text, number, hidden), with the
    attributes its widget would render (id, required, aria-invalid, aria-describedby, the
    widget's own), written here rather than through the widget's template: a workout page
    holds dozens of set fields, and their templates were most of its rendering time. Any other
    field renders as usual."""
    widget = field.field.widget
    if not isinstance(widget, Input) or field.field.localize or field.field.show_hidden_initial:
        return field.as_widget()
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs["id"] = field.auto_id
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    html = [f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"']
    if context["value"] is not None:
        html.append(f' value="{escape(context["value"])}"')
    # As Django's attrs.html: True is a bare attribute, False is left out.
    for name, value in context["attrs"].items():
        if value is True:
            html.append(f" {escape(name)}")
        elif value is not False:
            html.append(f' {escape(name)}="{escape(value)}"')
    html.append(">")
    # Safe: every part is escaped above.
    return mark_safe("".join(html))


@register.filter
def set_text(logged_set, user) -> str:
    """`{{ logged_set|set_text:user }}`: the set in the lifter's unit (see format_set)."""
    return format_set(logged_set.weight, logged_set.reps, user.unit_system)


@register.filter
def muscle_names(muscles) -> str:
    """["upper_back", "biceps"] → "Upper back, Biceps"."""
    return ", ".join(MuscleGroup(muscle).label for muscle in muscles)


@register.filter
def duration(seconds) -> str:
    """Seconds as a clock: 90 → "1:30", 45 → "0:45"."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def workout_length(workout) -> str:
    """How long a workout took, from its start to its end: "48 min", "1 h 5 min"."""
    if workout.status == SessionStatus.IN_PROGRESS:
        return "in progress"
    if workout.finished_at is None:
        return "unknown"
    minutes = round((workout.finished_at - workout.created_at).total_seconds() / 60)
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def volume_in(volume_kg: Decimal, user) -> str:
    """A volume (weight x reps, kept in kg) in the lifter's unit, thousands grouped."""
    volume = units.from_kg(volume_kg, user.unit_system)
    return f"{volume:,} {units.unit_label(user.unit_system)}"
