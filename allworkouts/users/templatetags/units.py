from django import template

from allworkouts import units

register = template.Library()


@register.filter
def weight_in(kg, user):
    """`{{ set.weight|weight_in:user }}` → "225 lb" for an imperial lifter."""
    if kg is None:
        return ""
    return units.format_weight(kg, user.unit_system)


@register.filter
def weight_value_in(kg, user):
    """The bare number for a form field's value, in the lifter's unit."""
    if kg is None:
        return ""
    return units.from_kg(kg, user.unit_system)


@register.simple_tag
def unit_of(user):
    return units.unit_label(user.unit_system)
