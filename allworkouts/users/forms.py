from django import forms

from allworkouts.users.models import UnitSystem
from catalog.models import Equipment

UNIT_SYSTEM_ERROR = "Choose metric or imperial."


class UnitSystemForm(forms.Form):
    unit_system = forms.ChoiceField(
        label="Show weights in",
        choices=UnitSystem.choices,
        widget=forms.RadioSelect,
        error_messages={"required": UNIT_SYSTEM_ERROR, "invalid_choice": UNIT_SYSTEM_ERROR},
    )


class EquipmentForm(forms.Form):
    """Which of the offered (active) catalog equipment the user owns; none at all is valid."""

    equipment = forms.ModelMultipleChoiceField(
        label="Equipment you can use",
        queryset=Equipment.objects.active().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": (
                "Equipment %(value)s is not offered any more. Reload the page for the current list."
            ),
            "invalid_pk_value": "“%(pk)s” is not an equipment id.",
            "invalid_list": "Send a list of equipment ids.",
        },
    )
