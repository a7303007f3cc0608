"""Records in the lifter's unit. Each filter takes anything with `record_type` and `value_kg`:
a services.NewRecord or a selectors.RecordEntry.

    {% load records %}
    {{ record|record_text:user }}   →  New record: est. 1RM 105 kg
    {{ record|record_value:user }}  →  12,450 kg
"""

from django import template

from allworkouts import units
from records.models import RecordType

register = template.Library()


@register.filter
def record_value(record, user) -> str:
    """An estimated 1RM as a weight; a volume (kg·reps) with thousands grouped: "12,450 kg"."""
    if record.record_type == RecordType.ONE_REP_MAX:
        return units.format_weight(record.value_kg, user.unit_system)
    volume = units.from_kg(record.value_kg, user.unit_system)
    return f"{volume:,} {units.unit_label(user.unit_system)}"


@register.filter
def record_text(record, user) -> str:
    """The badge of a set that just set a record: "New record: est. 1RM 105 kg"."""
    label = record.label[:1].lower() + record.label[1:]
    return f"New record: {label} {record_value(record, user)}"
