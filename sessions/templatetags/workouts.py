"""The workout page's words and numbers.

{% load workouts %}
{{ logged_set|set_text:user }}  →  "80 kg", a multiplication sign, "8"
{{ 90|duration }}               →  1:30
"""

from decimal import Decimal

from django import template

from allworkouts import units
from catalog.models import MuscleGroup

register = template.Library()


def format_set(weight_kg: Decimal, reps: int, unit_system: str) -> str:
    """Weight, multiplication sign, reps: the way lifters say it."""
    return f"{units.format_weight(weight_kg, unit_system)} \N{MULTIPLICATION SIGN} {reps}"


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
