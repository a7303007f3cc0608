"""Reads of a user's personal records. Each filters by the user, with row-level security beneath."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from allworkouts.rls import as_user
from catalog.models import Exercise
from records.models import PersonalRecord, RecordType
from records.services import LABELS

TYPE_ORDER = {record_type: position for position, record_type in enumerate(RecordType.values)}


@dataclass(frozen=True)
class RecordEntry:
    """One current record with the set that achieved it (for `total_volume`, the workout's latest
    set of the exercise). Shaped like services.NewRecord, so the same filters render both."""

    record_type: str
    label: str
    value_kg: Decimal
    achieved_at: datetime
    set_weight_kg: Decimal
    set_reps: int
    workout_name: str


@dataclass(frozen=True)
class ExerciseRecords:
    exercise: Exercise
    # In the fixed order 1rm, set volume, workout volume; empty when the user has none.
    records: list[RecordEntry]

    @property
    def latest_at(self) -> datetime | None:
        return max((record.achieved_at for record in self.records), default=None)


def _entry(record: PersonalRecord) -> RecordEntry:
    achieving_set = record.exercise_session
    return RecordEntry(
        record_type=record.record_type,
        label=LABELS[record.record_type],
        value_kg=record.value,
        achieved_at=record.achieved_at,
        set_weight_kg=achieving_set.weight,
        set_reps=achieving_set.reps,
        workout_name=achieving_set.workout_session.name,
    )


def _records(*, user):
    return PersonalRecord.objects.filter(user=user).select_related(
        "exercise", "exercise_session__workout_session"
    )


def _in_type_order(records) -> list[RecordEntry]:
    return [_entry(record) for record in sorted(records, key=lambda r: TYPE_ORDER[r.record_type])]


def exercise_records(*, user, exercise_id: int) -> ExerciseRecords:
    """The user's current records of one exercise (retired exercises included: they are
    history); raises Exercise.DoesNotExist for an exercise id that does not exist."""
    exercise = Exercise.objects.get(pk=exercise_id)
    with as_user(user):
        records = list(_records(user=user).filter(exercise=exercise))
    return ExerciseRecords(exercise=exercise, records=_in_type_order(records))


def records_by_exercise(*, user) -> list[ExerciseRecords]:
    """Every exercise the user holds records of, the one with the newest record first (then by
    name)."""
    with as_user(user):
        records = list(_records(user=user))
    by_exercise: dict[int, list[PersonalRecord]] = {}
    for record in records:
        by_exercise.setdefault(record.exercise_id, []).append(record)
    groups = [
        ExerciseRecords(exercise=held[0].exercise, records=_in_type_order(held))
        for held in by_exercise.values()
    ]
    groups.sort(key=lambda group: group.exercise.name)
    groups.sort(key=lambda group: group.latest_at, reverse=True)
    return groups
