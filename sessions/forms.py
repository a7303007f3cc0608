"""Forms of the workout page and the history. They only clean input; weights arrive in the
lifter's unit and leave as kg (`weight_kg` in cleaned_data)."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing

from allworkouts import units
from sessions.models import SessionStatus, WorkoutSession
from sessions.selectors import HistoryCursor
from sessions.services import MAX_REPS, MAX_SET_NUMBER, MAX_WEIGHT_KG

REPS_MESSAGE = f"Enter reps from 0 to {MAX_REPS}."
# The largest bigint: ids and versions beyond it name no row.
MAX_ID = 2**63 - 1
WEIGHT_PLACES = 2


class WeightField(forms.DecimalField):
    """A weight typed on a phone: empty counts as 0 (bodyweight), and a decimal comma (what many
    phone keyboards offer) is read as a point."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class SetValuesForm(forms.Form):
    """Reps and weight of one set, the weight in `unit_system`."""

    reps = forms.IntegerField(
        label="Reps",
        min_value=0,
        max_value=MAX_REPS,
        error_messages={
            "required": REPS_MESSAGE,
            "invalid": REPS_MESSAGE,
            "min_value": REPS_MESSAGE,
            "max_value": REPS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_REPS}),
    )
    weight = WeightField(
        required=False,
        min_value=0,
        decimal_places=WEIGHT_PLACES,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, unit_system: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_system = unit_system
        unit = units.unit_label(unit_system)
        heaviest = units.from_kg(MAX_WEIGHT_KG, unit_system)
        message = f"Enter a weight from 0 to {heaviest} {unit}, or leave it empty for none."
        field = self.fields["weight"]
        field.label = f"Weight ({unit})"
        field.error_messages.update(
            {
                "invalid": message,
                "min_value": message,
                "max_decimal_places": f"Use at most {WEIGHT_PLACES} decimals.",
                "max_digits": message,
                "max_whole_digits": message,
            }
        )
        self.weight_message = message

    def clean(self):
        cleaned = super().clean()
        if "weight" in cleaned:
            # A typed "-0" is zero too (Decimal("-0") is falsy), never shown as "-0".
            weight = cleaned["weight"] or Decimal(0)
            try:
                weight_kg = units.to_kg(weight, self.unit_system)
            except InvalidOperation:
                weight_kg = None
            if weight_kg is None or weight_kg > MAX_WEIGHT_KG:
                self.add_error("weight", self.weight_message)
            else:
                cleaned["weight_kg"] = weight_kg
        return cleaned


class SetLogForm(SetValuesForm):
    """A set as logged from its row. The hidden fields come from the page, not from typing."""

    set_number = forms.IntegerField(min_value=1, max_value=MAX_SET_NUMBER, widget=forms.HiddenInput)
    exercise = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    # Made when the row is rendered: a retried POST resends it and finds the set it created.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    HIDDEN_FIELDS = ("set_number", "exercise", "idempotency_key")

    @property
    def hidden_fields_broken(self) -> bool:
        return any(self.has_error(name) for name in self.HIDDEN_FIELDS)


class SetEditForm(SetValuesForm):
    # The version the page showed: an edit made from an older one is refused (optimistic lock).
    version = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)


class SetSkipForm(forms.Form):
    set_number = forms.IntegerField(min_value=1, max_value=MAX_SET_NUMBER)
    skipped = forms.BooleanField(required=False)


class SwapForm(forms.Form):
    exercise = forms.IntegerField(min_value=1, max_value=MAX_ID)


class FinishForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(SessionStatus.COMPLETED, "Finish"), ("abandoned", "Abandon")]
    )


# Signed, so a page link names only a place in the lifter's own history that the server handed
# out: a cursor edited by hand (or signed with a key since rotated) is refused, not trusted.
CURSOR_SIGNER = signing.Signer(salt="sessions.history-cursor")
STALE_CURSOR_MESSAGE = "That page link is no longer valid: here are your latest workouts."


def encode_cursor(cursor: HistoryCursor) -> str:
    return CURSOR_SIGNER.sign_object([cursor.created_at.isoformat(), cursor.workout_id])


class CursorField(forms.CharField):
    """An `after` parameter of the history: where the previous page ended."""

    default_error_messages = {"invalid": STALE_CURSOR_MESSAGE}

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            created_at, workout_id = CURSOR_SIGNER.unsign_object(text)
            return HistoryCursor(
                created_at=datetime.fromisoformat(created_at), workout_id=int(workout_id)
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class HistoryFilterForm(forms.Form):
    """The history's filters and page, read from the query string."""

    q = forms.CharField(
        label="Workout name",
        required=False,
        max_length=WorkoutSession._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *SessionStatus.choices]
    )
    after = CursorField(required=False)
    # The workout just deleted without JavaScript, to offer restoring it.
    undo = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
