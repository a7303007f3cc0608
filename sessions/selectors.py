"""Reads of workouts: the workout page, its swap options, the workout in progress, the history
list, a finished workout's read-back and the sets for export.

Each runs in the caller's transaction, which must carry the user's id for row-level security
(the request middleware's, or `as_user(user)`), and filters by the user as well. Without that
id a workout is simply not found.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.forms import Form
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.selectors import owned_equipment_ids
from catalog.models import BODYWEIGHT, Exercise, ExerciseEquipment
from plans.models import WorkoutExercise
from plans.selectors import missing_equipment
from records.models import PersonalRecord, RecordType
from records.services import LABELS, NewRecord
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession

SWAP_CANDIDATES_LIMIT = 12
RECORD_TYPE_ORDER = {record_type: position for position, record_type in enumerate(RecordType)}


@dataclass(frozen=True)
class PageState:
    """Choices made on this device that no logged set records yet (kept in the web session).

    `swaps`: slot id → (exercise id, when chosen); `extra_sets`: slot id → rows added beyond
    the plan; `skipped`: slot id → set numbers skipped.
    """

    swaps: dict[int, tuple[int, datetime]] = field(default_factory=dict)
    extra_sets: dict[int, int] = field(default_factory=dict)
    skipped: dict[int, frozenset[int]] = field(default_factory=dict)


@dataclass
class SetRow:
    """One row of a slot: a logged set, or one still to log (prefilled), or one skipped."""

    slot_id: int
    number: int
    # The exercise the set was logged with, or is to be logged with.
    exercise: Exercise
    planned_exercise_id: int
    planned_rest_seconds: int
    logged: ExerciseSession | None = None
    skipped: bool = False
    prefill_reps: int = 0
    prefill_weight_kg: Decimal = Decimal(0)
    records: list[NewRecord] = field(default_factory=list)
    # Set by the view: the row's form (to log it, or to edit the logged set) and a note.
    form: Form | None = None
    notice: str = ""

    @property
    def element_id(self) -> str:
        return f"workout-set-{self.slot_id}-{self.number}"

    @property
    def swapped(self) -> bool:
        return self.exercise.pk != self.planned_exercise_id


@dataclass
class SlotView:
    slot: WorkoutExercise
    position: int
    # What the slot is done with now: the planned exercise or the one swapped in.
    exercise: Exercise
    planned_exercise: Exercise
    last_time: ExerciseSession | None
    # Equipment the current exercise needs that the lifter does not own.
    missing_equipment: list[str]
    rows: list[SetRow]

    @property
    def swapped(self) -> bool:
        return self.exercise.pk != self.planned_exercise.pk

    @property
    def removed(self) -> bool:
        """Taken out of the plan after this workout logged sets for it."""
        return self.slot.deleted_at is not None

    def row(self, number: int) -> SetRow | None:
        return next((row for row in self.rows if row.number == number), None)


@dataclass(frozen=True)
class RestTimer:
    """The rest after the workout's latest set, counted from when the server logged it."""

    logged_set: ExerciseSession
    planned_seconds: int


@dataclass
class WorkoutPage:
    workout: WorkoutSession
    slots: list[SlotView]
    rest_timer: RestTimer | None
    server_now: datetime

    @property
    def in_progress(self) -> bool:
        return self.workout.status == SessionStatus.IN_PROGRESS

    @property
    def logged_count(self) -> int:
        return sum(1 for slot in self.slots for row in slot.rows if row.logged)

    @property
    def planned_count(self) -> int:
        return sum(slot.slot.sets for slot in self.slots if not slot.removed)

    def slot(self, workout_exercise_id: int) -> SlotView | None:
        return next((view for view in self.slots if view.slot.pk == workout_exercise_id), None)


@dataclass(frozen=True)
class SwapPanel:
    slot: SlotView
    candidates: list[Exercise]


def workout_in_progress(*, user) -> WorkoutSession | None:
    return WorkoutSession.objects.filter(user=user, status=SessionStatus.IN_PROGRESS).first()


def workout_latest_set(*, user, workout_id: int) -> ExerciseSession | None:
    """The set logged last in the workout: the one its rest timer counts from."""
    return (
        ExerciseSession.objects.filter(workout_session_id=workout_id, user=user)
        .order_by("-created_at", "-pk")
        .first()
    )


def workout_set_get(*, user, workout_id: int, set_id: int) -> ExerciseSession:
    """A logged set of the user's workout (not deleted), with its exercise, slot and workout;
    raises ExerciseSession.DoesNotExist otherwise."""
    return ExerciseSession.objects.select_related(
        "exercise", "workout_exercise", "workout_session"
    ).get(
        pk=set_id,
        workout_session_id=workout_id,
        user=user,
        workout_session__deleted_at__isnull=True,
    )


def workout_set_count(*, user, workout_id: int) -> int:
    return ExerciseSession.objects.filter(workout_session_id=workout_id, user=user).count()


def workout_get(*, user, workout_id: int) -> WorkoutSession:
    """The user's workout unless deleted; raises WorkoutSession.DoesNotExist otherwise."""
    return WorkoutSession.objects.get(pk=workout_id, user=user)


def workout_page(*, user, workout_id: int, state: PageState | None = None) -> WorkoutPage:
    """The workout with its plan's exercises in order, each with its rows of sets.

    A slot is done with the exercise of its latest logged set, unless a swap chosen on this
    device (`state`) is newer. A row still to log is prefilled with the slot's latest set of
    that exercise in this workout, else with the newest set of it in the user's other workouts
    ("last time"), else with the exercise's defaults. A constant number of queries (eight at
    most), whatever the plan's length or the user's history. Raises WorkoutSession.DoesNotExist
    for a workout that is not the user's or is deleted.
    """
    state = state or PageState()
    workout = workout_get(user=user, workout_id=workout_id)
    in_progress = workout.status == SessionStatus.IN_PROGRESS
    sets = list(
        ExerciseSession.objects.filter(workout_session=workout, user=user).order_by(
            "created_at", "pk"
        )
    )
    # The plan as it is now, and the exercises taken out of it that this workout logged sets
    # for; a finished workout shows only what was done.
    shown = Q(pk__in={logged.workout_exercise_id for logged in sets})
    if in_progress:
        shown |= Q(deleted_at__isnull=True)
    slots = list(
        WorkoutExercise.all_objects.filter(
            shown, workout_plan_id=workout.workout_plan_id, user=user
        ).order_by("sequence")
    )
    sets_by_slot: dict[int, list[ExerciseSession]] = {}
    for logged in sets:
        sets_by_slot.setdefault(logged.workout_exercise_id, []).append(logged)
    current_ids = {
        slot.pk: _current_exercise_id(slot, sets_by_slot.get(slot.pk, []), state.swaps)
        for slot in slots
    }
    exercises = Exercise.objects.prefetch_related("equipment").in_bulk(
        {slot.exercise_id for slot in slots}
        | {logged.exercise_id for logged in sets}
        | set(current_ids.values())
    )
    for logged in sets:
        logged.exercise = exercises[logged.exercise_id]
    owned = owned_equipment_ids(user=user) if in_progress else set()
    last_time = (
        _last_sets(user=user, workout=workout, exercise_ids=set(current_ids.values()))
        if in_progress
        else {}
    )
    records = records_held(user=user, set_ids=[logged.pk for logged in sets])

    views = []
    for position, slot in enumerate(slots, start=1):
        slot.exercise = exercises[slot.exercise_id]
        # A swap to an exercise since deleted from the catalog falls back to the plan.
        current = exercises.get(current_ids[slot.pk], slot.exercise)
        slot_sets = sets_by_slot.get(slot.pk, [])
        # Sets are logged only for the plan's current exercises, while the workout is on.
        open_for_sets = in_progress and slot.deleted_at is None
        views.append(
            SlotView(
                slot=slot,
                position=position,
                exercise=current,
                planned_exercise=slot.exercise,
                last_time=last_time.get(current.pk),
                missing_equipment=missing_equipment(current, owned) if open_for_sets else [],
                rows=_rows(
                    slot,
                    current,
                    slot_sets,
                    last_time.get(current.pk),
                    records,
                    extra=state.extra_sets.get(slot.pk, 0),
                    skipped=state.skipped.get(slot.pk, frozenset()),
                    open_for_sets=open_for_sets,
                ),
            )
        )
    slot_rest = {slot.pk: slot.rest_time_seconds for slot in slots}
    latest = sets[-1] if sets else None
    rest_timer = (
        RestTimer(logged_set=latest, planned_seconds=slot_rest[latest.workout_exercise_id])
        if in_progress and latest is not None and latest.workout_exercise_id in slot_rest
        else None
    )
    return WorkoutPage(
        workout=workout, slots=views, rest_timer=rest_timer, server_now=timezone.now()
    )


def workout_swap_candidates(*, user, slot_view: SlotView) -> list[Exercise]:
    """What the slot can be swapped to (see `exercise_swap_candidates`), judged against the
    planned exercise; the exercise done now is left out."""
    return exercise_swap_candidates(
        exercise=slot_view.planned_exercise,
        owned_equipment_ids=owned_equipment_ids(user=user),
        exclude_ids={slot_view.exercise.pk},
    )


def is_swap_candidate(*, user, planned_exercise: Exercise, exercise_id: int) -> bool:
    return (
        _swap_candidates(planned_exercise, owned_equipment_ids(user=user))
        .filter(pk=exercise_id)
        .exists()
    )


def exercise_swap_candidates(
    *,
    exercise: Exercise,
    owned_equipment_ids: set[int],
    exclude_ids: set[int] = frozenset(),
    limit: int = SWAP_CANDIDATES_LIMIT,
) -> list[Exercise]:
    """Active exercises that can stand in for `exercise`: they share at least one of its primary
    muscle groups (answered from the GIN index) and need only equipment among
    `owned_equipment_ids` (Bodyweight is everyone's; an exercise with no equipment needs none).

    Ranked by how many of its primary muscle groups they work as primary, then how many of its
    secondary ones as secondary, then by name; each comes with its equipment prefetched.
    """
    return list(
        _swap_candidates(exercise, owned_equipment_ids)
        .exclude(pk__in=exclude_ids)
        .prefetch_related("equipment")[:limit]
    )


def _swap_candidates(exercise: Exercise, owned_equipment_ids: set[int]) -> QuerySet[Exercise]:
    needs_unowned = (
        ExerciseEquipment.objects.filter(exercise=OuterRef("pk"))
        .exclude(equipment_id__in=owned_equipment_ids)
        .exclude(equipment__name=BODYWEIGHT)
    )
    return (
        Exercise.objects.active()
        .filter(primary_muscle_groups__overlap=exercise.primary_muscle_groups)
        .exclude(pk=exercise.pk)
        .exclude(Exists(needs_unowned))
        .annotate(
            primary_shared=_shared_count("primary_muscle_groups", exercise.primary_muscle_groups),
            secondary_shared=_shared_count(
                "secondary_muscle_groups", exercise.secondary_muscle_groups
            ),
        )
        .order_by("-primary_shared", "-secondary_shared", "name")
    )


def _shared_count(column: str, muscles: list[str]) -> RawSQL:
    """How many of `muscles` the exercise's array `column` holds (no array intersection
    operator exists for enums)."""
    return RawSQL(
        f'(SELECT count(*) FROM unnest("exercise"."{column}") AS muscle '
        "WHERE muscle = ANY(%s::muscle_group_enum[]))",
        (list(muscles),),
        output_field=IntegerField(),
    )


def _current_exercise_id(
    slot: WorkoutExercise,
    slot_sets: list[ExerciseSession],
    swaps: dict[int, tuple[int, datetime]],
) -> int:
    latest = slot_sets[-1] if slot_sets else None
    chosen = swaps.get(slot.pk)
    if chosen is not None and (latest is None or chosen[1] >= latest.created_at):
        return chosen[0]
    if latest is not None:
        return latest.exercise_id
    return slot.exercise_id


def _rows(
    slot: WorkoutExercise,
    exercise: Exercise,
    slot_sets: list[ExerciseSession],
    last_time: ExerciseSession | None,
    records: dict[int, list[NewRecord]],
    *,
    extra: int,
    skipped: frozenset[int],
    open_for_sets: bool,
) -> list[SetRow]:
    logged_by_number: dict[int, ExerciseSession] = {}
    for logged in slot_sets:
        logged_by_number.setdefault(logged.set_number, logged)
    if not open_for_sets:
        return [
            logged_row(slot, logged, records.get(logged.pk, []))
            for _number, logged in sorted(logged_by_number.items())
        ]
    same_exercise = [logged for logged in slot_sets if logged.exercise_id == exercise.pk]
    source = same_exercise[-1] if same_exercise else last_time
    reps, weight = (
        (source.reps, source.weight)
        if source is not None
        else (exercise.default_reps, exercise.default_weight)
    )
    count = max(slot.sets + extra, max(logged_by_number, default=0))
    rows = []
    for number in range(1, count + 1):
        if (logged := logged_by_number.get(number)) is not None:
            rows.append(logged_row(slot, logged, records.get(logged.pk, [])))
            continue
        rows.append(
            SetRow(
                slot_id=slot.pk,
                number=number,
                exercise=exercise,
                planned_exercise_id=slot.exercise_id,
                planned_rest_seconds=slot.rest_time_seconds,
                skipped=number in skipped,
                prefill_reps=reps,
                prefill_weight_kg=weight,
            )
        )
    return rows


def logged_row(slot: WorkoutExercise, logged: ExerciseSession, records: list[NewRecord]) -> SetRow:
    """The row of a logged set (its exercise loaded)."""
    return SetRow(
        slot_id=slot.pk,
        number=logged.set_number,
        exercise=logged.exercise,
        planned_exercise_id=slot.exercise_id,
        planned_rest_seconds=slot.rest_time_seconds,
        logged=logged,
        records=records,
    )


def _last_sets(
    *, user, workout: WorkoutSession, exercise_ids: set[int]
) -> dict[int, ExerciseSession]:
    """The newest set of each exercise in the user's other workouts (deleted ones left out), in
    one query: DISTINCT ON over the (user, exercise, created_at DESC) index."""
    newest = (
        ExerciseSession.objects.filter(
            user=user, exercise_id__in=exercise_ids, workout_session__deleted_at__isnull=True
        )
        .exclude(workout_session=workout)
        .order_by("exercise_id", "-created_at", "-pk")
        .distinct("exercise_id")
    )
    return {logged.exercise_id: logged for logged in newest}


def records_held(*, user, set_ids: list[int]) -> dict[int, list[NewRecord]]:
    """{set id: the records it holds}, so a reloaded page shows the badges its sets earned."""
    if not set_ids:
        return {}
    held: dict[int, list[NewRecord]] = {}
    records = PersonalRecord.objects.filter(user=user, exercise_session_id__in=set_ids)
    for record in sorted(records, key=lambda record: RECORD_TYPE_ORDER[record.record_type]):
        held.setdefault(record.exercise_session_id, []).append(
            NewRecord(
                record_type=record.record_type,
                label=LABELS[record.record_type],
                value_kg=record.value,
            )
        )
    return held


# --------------------------------------------------------------------------------------------
# History

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryCursor:
    """Where a page of history ends: the (created_at, id) of its last workout. The next page
    starts right after it, however many workouts were logged meanwhile."""

    created_at: datetime
    workout_id: int


@dataclass(frozen=True)
class HistoryPage:
    # Newest first. Each is annotated with set_count, volume_kg (weight x reps summed, in kg) and
    # record_count: how many of the user's current personal records its sets hold (a record
    # lives in personal_record only while it is the best, so one since beaten no longer counts).
    workouts: list[WorkoutSession]
    # None on the last page.
    next_cursor: HistoryCursor | None


def workout_history(
    *,
    user,
    status: str = "",
    name: str = "",
    after: HistoryCursor | None = None,
    size: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of the user's workouts, deleted ones left out, newest first (ties by id), starting
    after `after` when given. `status` keeps one status; `name` keeps the workouts whose name
    contains it, in any case.

    One query, whatever the page size or the history's length. The workouts come in created_at
    order from an index and the LIMIT ends the scan; the counts and the volume are subqueries,
    which PostgreSQL evaluates only for the rows the LIMIT lets through. Under row-level
    security the status cannot be an index condition (enum `=` is not leakproof), but it can
    select a partial index: abandoned workouts read their own (user, created_at DESC) index,
    in_progress the one-per-user unique index, and completed, nearly every workout, the
    (user, created_at DESC) index with the status as a filter that drops few rows.
    """
    workouts = WorkoutSession.objects.filter(user=user)
    if status:
        workouts = workouts.filter(status=status)
    if name:
        workouts = workouts.filter(name__icontains=name)
    if after is not None:
        workouts = workouts.filter(_before(after))
    sets = (
        ExerciseSession.objects.filter(user=user, workout_session=OuterRef("pk"))
        .order_by()
        .values("workout_session")
    )
    held = (
        PersonalRecord.objects.filter(user=user, exercise_session__workout_session=OuterRef("pk"))
        .order_by()
        .values("exercise_session__workout_session")
    )
    volume = Sum(F("weight") * F("reps"), output_field=DecimalField())
    rows = list(
        workouts.annotate(
            set_count=_per_workout(sets.annotate(value=Count("pk")), Value(0)),
            volume_kg=_per_workout(sets.annotate(value=volume), Value(Decimal(0))),
            record_count=_per_workout(held.annotate(value=Count("pk")), Value(0)),
        ).order_by("-created_at", "-pk")[: size + 1]
    )
    if len(rows) <= size:
        return HistoryPage(workouts=rows, next_cursor=None)
    last = rows[size - 1]
    return HistoryPage(
        workouts=rows[:size],
        next_cursor=HistoryCursor(created_at=last.created_at, workout_id=last.pk),
    )


def _before(cursor: HistoryCursor) -> RawSQL:
    """Older than the cursor in the history's order. A row comparison, because PostgreSQL bounds
    an index scan with it (created_at <= the cursor's), which it cannot do with the equivalent
    `created_at < t OR (created_at = t AND id < i)`."""
    return RawSQL(
        '("workout_session"."created_at", "workout_session"."id") < (%s, %s)',
        (cursor.created_at, cursor.workout_id),
        output_field=BooleanField(),
    )


def _per_workout(aggregate: QuerySet, empty: Value) -> Coalesce:
    """A one-value subquery of a workout's rows (`empty` when it has none)."""
    return Coalesce(Subquery(aggregate.values("value")), empty)


def workout_deleted_get(*, user, workout_id: int) -> WorkoutSession | None:
    """The user's deleted workout, for the offer to restore it; None when there is none."""
    return WorkoutSession.all_objects.filter(
        pk=workout_id, user=user, deleted_at__isnull=False
    ).first()


# --------------------------------------------------------------------------------------------
# A finished workout, read back


@dataclass(frozen=True)
class ExerciseGroup:
    """Consecutive sets of a plan slot done with one exercise: the planned one or a swap."""

    slot: WorkoutExercise
    exercise: Exercise
    rows: list[SetRow]

    @property
    def planned_exercise(self) -> Exercise:
        return self.slot.exercise

    @property
    def swapped(self) -> bool:
        return self.exercise.pk != self.slot.exercise_id


@dataclass(frozen=True)
class AchievedRecord:
    exercise: Exercise
    record: NewRecord


@dataclass(frozen=True)
class WorkoutDetail:
    page: WorkoutPage
    groups: list[ExerciseGroup]

    @property
    def workout(self) -> WorkoutSession:
        return self.page.workout

    @property
    def logged_sets(self) -> list[ExerciseSession]:
        return [row.logged for group in self.groups for row in group.rows]

    @property
    def set_count(self) -> int:
        return len(self.logged_sets)

    @property
    def volume_kg(self) -> Decimal:
        return sum((logged.weight * logged.reps for logged in self.logged_sets), Decimal(0))

    @property
    def records(self) -> list[AchievedRecord]:
        """The current personal records that sets of this workout hold, in the page's order."""
        return [
            AchievedRecord(exercise=row.exercise, record=record)
            for group in self.groups
            for row in group.rows
            for record in row.records
        ]


def workout_detail(*, user, workout_id: int) -> WorkoutDetail:
    """The workout page's data (see `workout_page`) with the logged sets of each slot grouped by
    the exercise they were done with. Raises WorkoutSession.DoesNotExist for a workout that is
    not the user's or is deleted."""
    page = workout_page(user=user, workout_id=workout_id)
    groups = []
    for view in page.slots:
        for row in view.rows:
            if row.logged is None:
                continue
            if groups and groups[-1].slot is view.slot and groups[-1].exercise == row.exercise:
                groups[-1].rows.append(row)
            else:
                groups.append(ExerciseGroup(slot=view.slot, exercise=row.exercise, rows=[row]))
    return WorkoutDetail(page=page, groups=groups)


# --------------------------------------------------------------------------------------------
# Export


@contextmanager
def workout_sets_export(*, user, chunk_size: int) -> Iterator[Iterator[dict]]:
    """All of the user's logged sets, deleted workouts left out, oldest workout first and each
    workout's sets in the order they were logged: dicts of started_at, workout, exercise,
    set_number, weight_kg, reps and rest_seconds.

    Read through a server-side cursor, `chunk_size` rows at a time, so a long history never sits
    in memory. The block runs in its own transaction as the user (a cursor needs a transaction,
    and a streamed response reads the rows after its view has returned, outside the request's).
    """
    with as_user(user):
        rows = (
            ExerciseSession.objects.filter(user=user, workout_session__deleted_at__isnull=True)
            .order_by("workout_session__created_at", "workout_session_id", "created_at", "pk")
            .values(
                "set_number",
                "reps",
                started_at=F("workout_session__created_at"),
                workout=F("workout_session__name"),
                exercise_name=F("exercise__name"),
                weight_kg=F("weight"),
                rest_seconds=F("rest_time_seconds"),
            )
            .iterator(chunk_size=chunk_size)
        )
        try:
            yield rows
        finally:
            # Closes the cursor inside the transaction it was declared in, even when the reader
            # stops early (a download cancelled halfway).
            rows.close()
