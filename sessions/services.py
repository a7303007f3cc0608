"""Writes of workouts and their logged sets.

Each service runs in the caller's transaction, which must carry the user's id for row-level
security (the request middleware's, or `as_user(user)`), and filters by the user as well. It
joins that transaction without a savepoint of its own: on the gym floor a set is logged in a
bounded number of queries, and a savepoint pair would be two of them. A refusal (a `Refused`
subclass) is always raised before anything is written, and after the service's block has
ended, so the caller's transaction stays usable to render the answer.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from allworkouts.rows import columns, model_from_row
from catalog.models import Exercise
from plans.models import WorkoutExercise, WorkoutPlan
from records.services import (
    NewRecord,
    records_recompute,
    records_recompute_for_workout,
    records_update_for_logged_set,
)
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession

MAX_REPS = 100
MAX_WEIGHT_KG = Decimal(1000)
# Planned sets are at most 20; the rest leaves room for sets added beyond the plan.
MAX_SET_NUMBER = 50
# Longer than this between two sets is a break, not rest.
MAX_REST_SECONDS = 15 * 60

ONE_IN_PROGRESS = "workout_session_one_in_progress"

# One statement, so that nothing comes between the checks and the write. It inserts nothing
# when the slot's set number is already logged in the workout (HAVING), or when the key is taken
# (ON CONFLICT: without a savepoint a unique violation would poison the request's transaction;
# a key clashes with a retry of the same POST, or with another user's set, which row-level
# security hides). The rest is the time since the workout's latest set, capped; none for the
# workout's first set.
INSERT_SET_SQL = """
INSERT INTO exercise_session
    (created_at, updated_at, workout_session_id, user_id, exercise_id, workout_exercise_id,
     set_number, reps, weight, rest_time_seconds, idempotency_key, version)
SELECT %(now)s, %(now)s, %(workout_session_id)s, %(user_id)s, %(exercise_id)s,
       %(workout_exercise_id)s, %(set_number)s, %(reps)s, %(weight)s,
       CASE WHEN count(*) > 0 THEN
           LEAST(GREATEST(floor(EXTRACT(EPOCH FROM %(now)s - max(created_at))), 0), %(max_rest)s)
       END,
       %(idempotency_key)s, 1
FROM exercise_session
WHERE workout_session_id = %(workout_session_id)s AND user_id = %(user_id)s
HAVING bool_or(workout_exercise_id = %(workout_exercise_id)s AND set_number = %(set_number)s)
       IS NOT TRUE
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id, rest_time_seconds
"""


# The slot of a set log with its exercise, locked, and the status of the workout `workout_id`
# when that workout is the user's, not deleted and of the slot's plan (no row otherwise).
# Written out because building the same ORM query cost the set log more CPU than anything else
# it does (1.1 ms of about 5, measured in process). The model's managers would
# leave out the deleted slot and workout, as here.
SLOT_SQL = f"""
SELECT w.status, {columns(WorkoutExercise, "s")}, {columns(Exercise, "e")}
FROM workout_exercise s
JOIN exercise e ON e.id = s.exercise_id
JOIN workout_session w
  ON w.id = %(workout_id)s AND w.user_id = s.user_id AND w.workout_plan_id = s.workout_plan_id
     AND w.deleted_at IS NULL
WHERE s.id = %(slot_id)s AND s.user_id = %(user_id)s AND s.deleted_at IS NULL
FOR UPDATE OF s
"""


class Refused(Exception):
    """The service wrote nothing; the subclass says why."""


class NotFound(Refused):
    """No such workout, plan slot or set of this user (answered as 404)."""


class EmptyPlan(Refused):
    def __init__(self, plan: WorkoutPlan):
        super().__init__(plan.name)
        self.plan = plan


class WorkoutNotInProgress(Refused):
    def __init__(self, workout_id: int, status: str):
        super().__init__(status)
        self.workout_id = workout_id
        self.status = status


class SetAlreadyLogged(Refused):
    """The row's set number was logged from another tab or device; `logged_set` is that set."""

    def __init__(self, logged_set: ExerciseSession):
        super().__init__(logged_set.pk)
        self.logged_set = logged_set


class IdempotencyKeyReused(Refused):
    """The key already made a different set: not a retry of this row's POST."""


class NotAnEquivalent(Refused):
    """The exercise shares no primary muscle group with the planned one."""


class AnotherInProgress(Refused):
    """A workout deleted while in progress cannot come back while another one is in progress."""


class SetChanged(Refused):
    """The set was edited after the page showed it; `logged_set` holds its current values."""

    def __init__(self, logged_set: ExerciseSession):
        super().__init__(logged_set.pk)
        self.logged_set = logged_set


@contextmanager
def _write_transaction():
    """atomic(savepoint=False) that lets a refusal out only after the block has ended.

    Raised inside it, even an expected refusal would mark the caller's transaction for
    rollback (there is no savepoint to roll back to) and every later query would fail.
    """
    refusal = None
    with transaction.atomic(savepoint=False):
        try:
            yield
        except Refused as error:
            refusal = error
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class WorkoutStart:
    workout: WorkoutSession
    # False when a workout was already in progress: `workout` is that one.
    started: bool


@dataclass(frozen=True)
class LoggedSet:
    logged_set: ExerciseSession
    new_records: list[NewRecord]
    # True when this POST was a retry: the set is the one its first sending created.
    replayed: bool = False


def workout_start(*, user, plan_id: int) -> WorkoutStart:
    """Start a workout of the plan, named as the plan is now; or, when the user already has one
    in progress (this plan's or another's), hand that one back instead."""
    with _write_transaction():
        plan = WorkoutPlan.objects.filter(pk=plan_id, user=user).first()
        if plan is None:
            raise NotFound
        current = WorkoutSession.objects.filter(user=user, status=SessionStatus.IN_PROGRESS)
        if in_progress := current.first():
            return WorkoutStart(workout=in_progress, started=False)
        if not WorkoutExercise.objects.filter(workout_plan=plan, user=user).exists():
            raise EmptyPlan(plan)
        try:
            # A second tab starting at the same moment loses at the partial unique index; the
            # savepoint keeps the request's transaction alive to fetch the winner.
            with transaction.atomic():
                workout = WorkoutSession.objects.create(
                    user=user, workout_plan=plan, name=plan.name
                )
        except IntegrityError as error:
            if _violated_constraint(error) != ONE_IN_PROGRESS:
                raise
            return WorkoutStart(workout=current.get(), started=False)
    return WorkoutStart(workout=workout, started=True)


def workout_finish(*, user, workout_id: int, status: str) -> WorkoutSession:
    """End the workout in progress as completed or abandoned."""
    if status not in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise ValueError(f"A workout ends as completed or abandoned, not {status!r}.")
    with _write_transaction():
        workout = _locked_workout(user=user, workout_id=workout_id)
        if workout.status != SessionStatus.IN_PROGRESS:
            raise WorkoutNotInProgress(workout.pk, workout.status)
        workout.status = status
        workout.finished_at = timezone.now()
        workout.version += 1
        workout.save(update_fields=["status", "finished_at", "version", "updated_at"])
    return workout


def workout_delete(*, user, workout_id: int) -> WorkoutSession:
    """Soft-delete a workout: it leaves the lifter's history and its sets stop counting toward
    records and "last time" (`workout_restore` undoes it). A workout in progress may be deleted
    too, which frees the way to start another."""
    with _write_transaction():
        workout = _locked_workout(user=user, workout_id=workout_id)
        workout.deleted_at = timezone.now()
        workout.version += 1
        workout.save(update_fields=["deleted_at", "version", "updated_at"])
        records_recompute_for_workout(user=user, workout_session_id=workout.pk)
    return workout


def workout_restore(*, user, workout_id: int) -> WorkoutSession:
    """Bring a deleted workout back into the history; its sets count toward records again.

    Restoring a workout that is not deleted (a second tap on Restore) changes nothing. A workout
    deleted while in progress comes back in progress, unless another one is in progress by now
    (AnotherInProgress).
    """
    with _write_transaction():
        workout = (
            WorkoutSession.all_objects.select_for_update().filter(pk=workout_id, user=user).first()
        )
        if workout is None:
            raise NotFound
        if workout.deleted_at is None:
            return workout
        workout.deleted_at = None
        workout.version += 1
        try:
            # A savepoint, so that losing to the one-in-progress index leaves the request's
            # transaction usable.
            with transaction.atomic():
                workout.save(update_fields=["deleted_at", "version", "updated_at"])
        except IntegrityError as error:
            if _violated_constraint(error) != ONE_IN_PROGRESS:
                raise
            raise AnotherInProgress from None
        records_recompute_for_workout(user=user, workout_session_id=workout.pk)
    return workout


def workout_set_log(
    *,
    user,
    workout_id: int,
    workout_exercise_id: int,
    exercise_id: int,
    set_number: int,
    reps: int,
    weight_kg: Decimal,
    idempotency_key: uuid.UUID,
) -> LoggedSet:
    """Log one set of a plan slot of the workout in progress, and update the records it sets.

    `exercise_id` is the slot's planned exercise or, after a swap, an equivalent one (sharing a
    primary muscle group). The same `idempotency_key` sent again answers the set it created,
    unchanged. Its rest is the time since the workout's previous set, capped at
    MAX_REST_SECONDS (none for the first set). Four queries of its own, five after a swap: the
    slot, the swapped-in exercise, the insert, and the records' two.
    """
    with _write_transaction():
        # Locking the slot row queues two tabs logging the same slot, so a set number is never
        # logged twice.
        with connection.cursor() as cursor:
            cursor.execute(
                SLOT_SQL,
                {"workout_id": workout_id, "slot_id": workout_exercise_id, "user_id": user.pk},
            )
            found = cursor.fetchone()
        if found is None:
            raise NotFound
        workout_status, *values = found
        if workout_status != SessionStatus.IN_PROGRESS:
            raise WorkoutNotInProgress(workout_id, workout_status)
        slot_fields = len(WorkoutExercise._meta.concrete_fields)
        slot = model_from_row(WorkoutExercise, values[:slot_fields])
        slot.exercise = model_from_row(Exercise, values[slot_fields:])
        exercise = _equivalent_exercise(slot, exercise_id)

        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_SET_SQL,
                {
                    "now": now,
                    "workout_session_id": workout_id,
                    "user_id": user.pk,
                    "exercise_id": exercise.pk,
                    "workout_exercise_id": slot.pk,
                    "set_number": set_number,
                    "reps": reps,
                    "weight": weight_kg,
                    "idempotency_key": idempotency_key,
                    "max_rest": MAX_REST_SECONDS,
                },
            )
            inserted = cursor.fetchone()
        if inserted is None:
            return _already_logged(
                user=user,
                workout_id=workout_id,
                slot=slot,
                exercise=exercise,
                set_number=set_number,
                idempotency_key=idempotency_key,
            )
        logged_id, rest_time_seconds = inserted
        logged = ExerciseSession(
            pk=logged_id,
            created_at=now,
            updated_at=now,
            workout_session_id=workout_id,
            user=user,
            exercise=exercise,
            workout_exercise=slot,
            set_number=set_number,
            reps=reps,
            weight=weight_kg,
            rest_time_seconds=rest_time_seconds,
            idempotency_key=idempotency_key,
        )
        logged._state.adding = False
        new_records = records_update_for_logged_set(logged_set=logged)
    return LoggedSet(logged_set=logged, new_records=new_records)


def workout_set_update(
    *,
    user,
    workout_id: int,
    set_id: int,
    version: int,
    reps: int,
    weight_kg: Decimal,
    finished_too: bool = False,
) -> ExerciseSession:
    """Correct a logged set's reps and weight, then recompute the exercise's records.

    `version` is the one the page showed. An edit from an older page is refused with SetChanged,
    unless the set already holds exactly these values (a retried edit whose first answer was
    lost), which answers the set as it is. Only a workout in progress is changed unless
    `finished_too` (see `_locked_set`).
    """
    with _write_transaction():
        logged = _locked_set(
            user=user, workout_id=workout_id, set_id=set_id, finished_too=finished_too
        )
        if logged.reps == reps and logged.weight == weight_kg:
            return logged
        if logged.version != version:
            raise SetChanged(logged)
        logged.reps = reps
        logged.weight = weight_kg
        logged.version += 1
        logged.save(update_fields=["reps", "weight", "version", "updated_at"])
        records_recompute(user=user, exercise=logged.exercise_id)
    return logged


def workout_set_delete(
    *, user, workout_id: int, set_id: int, finished_too: bool = False
) -> ExerciseSession:
    """Delete a logged set of the workout in progress (or, with `finished_too`, of a finished
    one); its records move to the next best set (or go). Returns the deleted set, its primary
    key gone."""
    with _write_transaction():
        logged = _locked_set(
            user=user, workout_id=workout_id, set_id=set_id, finished_too=finished_too
        )
        # Before the delete: a record still pointing at the set would block it (PROTECT).
        records_recompute(user=user, exercise=logged.exercise_id, excluding_set_id=logged.pk)
        ExerciseSession.objects.filter(pk=logged.pk, user=user).delete()
        logged.pk = None
    return logged


def _violated_constraint(error: IntegrityError) -> str:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""


def _locked_workout(*, user, workout_id: int) -> WorkoutSession:
    workout = WorkoutSession.objects.select_for_update().filter(pk=workout_id, user=user).first()
    if workout is None:
        raise NotFound
    return workout


def _locked_set(*, user, workout_id: int, set_id: int, finished_too: bool) -> ExerciseSession:
    """The set, locked, with its slot and exercise.

    The gym floor changes sets only while their workout is in progress, so that a tab left open
    on a workout since finished cannot rewrite it; a finished workout's own read-back page
    corrects its sets on purpose, with `finished_too`.
    """
    logged = (
        ExerciseSession.objects.select_for_update(of=("self",))
        .select_related("exercise", "workout_exercise", "workout_session")
        .filter(pk=set_id, workout_session_id=workout_id, user=user)
        .first()
    )
    if logged is None or logged.workout_session.deleted_at is not None:
        raise NotFound
    if not finished_too and logged.workout_session.status != SessionStatus.IN_PROGRESS:
        raise WorkoutNotInProgress(workout_id, logged.workout_session.status)
    return logged


def _equivalent_exercise(slot: WorkoutExercise, exercise_id: int) -> Exercise:
    """The exercise to log for the slot: the planned one or a swap sharing a primary muscle."""
    if exercise_id == slot.exercise_id:
        return slot.exercise
    exercise = Exercise.objects.filter(
        pk=exercise_id, primary_muscle_groups__overlap=slot.exercise.primary_muscle_groups
    ).first()
    if exercise is None:
        raise NotAnEquivalent
    return exercise


def _replay(
    logged: ExerciseSession,
    *,
    workout_id: int,
    slot: WorkoutExercise,
    exercise: Exercise,
    set_number: int,
) -> LoggedSet:
    """The answer to a retried POST: the set its first sending made, no records recounted."""
    if (logged.workout_session_id, logged.workout_exercise_id, logged.set_number) != (
        workout_id,
        slot.pk,
        set_number,
    ):
        raise IdempotencyKeyReused
    _attach(logged, slot=slot, exercise=exercise)
    return LoggedSet(logged_set=logged, new_records=[], replayed=True)


def _attach(logged: ExerciseSession, *, slot: WorkoutExercise, exercise: Exercise) -> None:
    """Give a set fetched without joins its slot, and its exercise when already at hand."""
    logged.workout_exercise = slot
    for known in (exercise, slot.exercise):
        if logged.exercise_id == known.pk:
            logged.exercise = known


def _already_logged(
    *,
    user,
    workout_id: int,
    slot: WorkoutExercise,
    exercise: Exercise,
    set_number: int,
    idempotency_key: uuid.UUID,
) -> LoggedSet:
    """Why a set was not inserted: this POST was sent before (its set is the answer), the row's
    set number was logged from elsewhere, or the key made some other set."""
    found = list(
        ExerciseSession.objects.filter(
            Q(idempotency_key=idempotency_key)
            | Q(workout_session_id=workout_id, workout_exercise_id=slot.pk, set_number=set_number),
            user=user,
        )
    )
    same_key = next((s for s in found if s.idempotency_key == idempotency_key), None)
    if same_key is not None:
        return _replay(
            same_key, workout_id=workout_id, slot=slot, exercise=exercise, set_number=set_number
        )
    if found:
        _attach(found[0], slot=slot, exercise=exercise)
        raise SetAlreadyLogged(found[0])
    raise IdempotencyKeyReused
