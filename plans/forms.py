import hashlib
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from catalog.models import Equipment, MuscleGroup
from catalog.selectors import active_exercise_names
from plans.importing import ImportParse, ReviewRow, review_row_to_json
from plans.models import ConfidenceLevel
from plans.services import (
    IMPORT_TEXT_MAX_LENGTH,
    PLAN_NAME_MAX_LENGTH,
    REPS_MAX,
    REPS_MIN,
    REST_MAX,
    REST_MIN,
    SETS_MAX,
    SETS_MIN,
    check_plan_numbers,
)

SEARCH_MAX_LENGTH = 100


class SearchInput(forms.TextInput):
    input_type = "search"


def _number_field(label: str, minimum: int, maximum: int, unit: str) -> forms.IntegerField:
    message = f"Enter {unit} from {minimum} to {maximum}."
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PlanNumbersForm(forms.Form):
    """Sets, reps range and rest of one plan exercise; shared by the editor and the import."""

    sets = _number_field("Sets", SETS_MIN, SETS_MAX, "sets")
    reps_min = _number_field("Min reps", REPS_MIN, REPS_MAX, "reps")
    reps_max = _number_field("Max reps", REPS_MIN, REPS_MAX, "reps")
    rest_time_seconds = _number_field("Rest (s)", REST_MIN, REST_MAX, "seconds")

    @property
    def number_fields(self):
        return [self[name] for name in PlanNumbersForm.base_fields]

    def clean(self):
        cleaned = super().clean()
        numbers = [cleaned.get(name) for name in PlanNumbersForm.base_fields]
        if None not in numbers:
            try:
                check_plan_numbers(**dict(zip(PlanNumbersForm.base_fields, numbers, strict=True)))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def _plan_name_field() -> forms.CharField:
    return forms.CharField(
        label="Plan name",
        max_length=PLAN_NAME_MAX_LENGTH,
        error_messages={
            "required": "Give the plan a name.",
            "max_length": "Keep the name to %(limit_value)d characters (it has %(show_value)d).",
        },
    )


class PlanNameForm(forms.Form):
    name = _plan_name_field()


class VersionForm(forms.Form):
    """The plan version the page was rendered from; a form without one is a bad request."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SlotVersionForm(VersionForm):
    exercise_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PlanExerciseForm(PlanNumbersForm, SlotVersionForm):
    pass


class PlanExerciseAddForm(VersionForm):
    exercise = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PlanExerciseMoveForm(SlotVersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RestoreForm(forms.Form):
    """Which page the restore button was on, to answer with that page."""

    back_to = forms.ChoiceField(
        choices=[("list", "Plans"), ("deleted", "Recently deleted")], required=False
    )


class ExercisePickerForm(forms.Form):
    q = forms.CharField(
        label="Search exercises",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=SearchInput,
    )
    muscle = forms.ChoiceField(
        label="Muscle group",
        choices=[("", "Any muscle"), *MuscleGroup.choices],
        required=False,
    )
    equipment = forms.ModelChoiceField(
        label="Equipment",
        queryset=Equipment.objects.active().order_by("name"),
        empty_label="Any equipment",
        required=False,
    )


def _one_kind_of_newline(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF from a plain form and as LF through htmx:
    the text is the same either way, and its signature must say so."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlanImportTextForm(forms.Form):
    # No max_length: a browser would cut a longer paste short without a word. The server says so.
    text = forms.CharField(
        label="Your plan, as text",
        strip=False,
        help_text=f"At most {IMPORT_TEXT_MAX_LENGTH:,} characters.",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        error_messages={"required": "Paste a plan first."},
    )

    def clean_text(self):
        text = _one_kind_of_newline(self.cleaned_data["text"])
        if not text.strip():
            raise ValidationError("Paste a plan first.", code="required")
        if len(text) > IMPORT_TEXT_MAX_LENGTH:
            raise ValidationError(
                f"The text is too long: {len(text):,} characters, at most "
                f"{IMPORT_TEXT_MAX_LENGTH:,}. Import it in parts.",
                code="max_length",
            )
        return text


# The review screen keeps its state in the form. The parse travels signed, so that the import log
# records what the parser produced and not what an edited page claims it did; it is bound to the
# user and to the pasted text, which travels beside it.
REVIEW_SALT = "plans.import-review"


@dataclass(frozen=True)
class Review:
    parser: str
    notice: str | None
    rows: list[ReviewRow]


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sign_review(*, user, raw_text: str, parse: ImportParse) -> str:
    return signing.dumps(
        {
            "user": user.pk,
            "text_sha256": _text_digest(raw_text),
            "parser": parse.parser,
            "notice": parse.notice,
            "rows": [review_row_to_json(row) for row in parse.rows],
        },
        salt=REVIEW_SALT,
        compress=True,
    )


def _read_review(*, user, raw_text: str, token: str) -> Review:
    try:
        payload = signing.loads(token, salt=REVIEW_SALT)
        if payload["user"] != user.pk or payload["text_sha256"] != _text_digest(raw_text):
            raise ValueError("signed for another user or text")
        rows = [
            ReviewRow(
                **{
                    **row,
                    "alternatives": [(int(pk), str(name)) for pk, name in row["alternatives"]],
                }
            )
            for row in payload["rows"]
        ]
        return Review(parser=payload["parser"], notice=payload["notice"], rows=rows)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            "This review could not be read back. Your text is below: parse it again.",
            code="unreadable",
        ) from error


class ImportReviewForm(forms.Form):
    name = _plan_name_field()
    raw_text = forms.CharField(strip=False, widget=forms.HiddenInput)
    parse = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.review: Review | None = None

    def clean_raw_text(self):
        return _one_kind_of_newline(self.cleaned_data["raw_text"])

    def clean_parse(self):
        token = self.cleaned_data["parse"]
        raw_text = self.cleaned_data.get("raw_text")
        if raw_text is None:
            raise ValidationError("The pasted text is missing.", code="unreadable")
        self.review = _read_review(user=self.user, raw_text=raw_text, token=token)
        return token

    @classmethod
    def unbound(cls, *, user, name: str, raw_text: str, token: str, review: Review):
        """The form showing a review that is not being submitted, so judged on nothing yet."""
        form = cls(initial={"name": name, "raw_text": raw_text, "parse": token}, user=user)
        form.review = review
        return form

    @property
    def readable(self) -> bool:
        """Whether the text and the parse came back intact, whatever else is wrong."""
        return self.is_bound and self.review is not None and not self.has_error("raw_text")


@dataclass(frozen=True)
class RowOptions:
    """What a review row's exercise <select> offers, and what its search found."""

    choices: list
    search_note: str = ""


DEFAULTED_LABELS = {
    "sets": "sets",
    "reps_min": "min reps",
    "reps_max": "max reps",
    "rest_time_seconds": "rest",
}


class ImportRowForm(PlanNumbersForm):
    """One parsed exercise as the user reviews it; `review_row` is what the parser made of it."""

    exercise = forms.IntegerField(label="Catalog exercise", required=False, widget=forms.Select)
    confirmed = forms.BooleanField(label="I checked this match", required=False)
    search = forms.CharField(
        label="Find another exercise",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=SearchInput,
    )

    field_order = ["exercise", "search", "sets", "reps_min", "reps_max", "rest_time_seconds"]

    def __init__(self, *args, review_row: ReviewRow, options: RowOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.review_row = review_row
        self.search_note = options.search_note
        self.fields["exercise"].widget.choices = options.choices
        parsed = {
            "sets": review_row.sets,
            "reps_min": review_row.reps_min,
            "reps_max": review_row.reps_max,
            "rest_time_seconds": review_row.rest_seconds,
        }
        # Numbers the text did not give were filled in from defaults: the user should check them.
        self.defaulted = [name for name, value in parsed.items() if value is None]

    @property
    def defaulted_labels(self) -> list[str]:
        return [DEFAULTED_LABELS[name] for name in self.defaulted]

    @property
    def is_low(self) -> bool:
        return self.review_row.confidence == ConfidenceLevel.LOW

    @property
    def dropped(self) -> bool:
        return bool(self["DELETE"].value())

    def clean(self):
        if self.dropped:
            # A dropped row is not imported: nothing in it needs to be right.
            self._errors.clear()
            return {"DELETE": True}
        cleaned = super().clean()
        if cleaned.get("exercise") is None and not self.has_error("exercise"):
            self.add_error("exercise", "Choose an exercise, or drop this row.")
        if self.is_low and not cleaned.get("confirmed"):
            self.add_error(
                "confirmed",
                "A low-confidence match: tick to confirm it, choose another, or drop this row.",
            )
        return cleaned


class BaseImportRowFormSet(forms.BaseFormSet):
    def __init__(
        self, *args, review_rows: list[ReviewRow], row_options: list[RowOptions], **kwargs
    ):
        self.review_rows = review_rows
        self.row_options = row_options
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"review_row": self.review_rows[index], "options": self.row_options[index]}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Drop this row"

    def clean(self):
        kept = [form for form in self.forms if not form.dropped]
        if not kept:
            raise ValidationError("Keep at least one exercise to create a plan.")
        chosen = {form.cleaned_data.get("exercise") for form in kept} - {None}
        offered = active_exercise_names(ids=chosen)
        for form in kept:
            if form.cleaned_data.get("exercise") in chosen - offered.keys():
                form.add_error("exercise", "That exercise is not offered any more: choose another.")


ImportRowFormSet = forms.formset_factory(
    ImportRowForm, formset=BaseImportRowFormSet, extra=0, can_delete=True
)
