"""Writes to a user's workout plans.

Every service runs in one transaction that carries the user's id for row-level security, and
filters by the user as well. Edits use optimistic locking: the caller passes the plan version
its page was rendered from, the plan row is updated only while it still has that version (which
also locks it until commit, so concurrent edits of one plan queue up), and any edit of the plan
or of its exercises bumps it. A stale version raises PlanConflict and nothing is written.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.utils import timezone

from allworkouts.rls import as_user
from catalog.models import Exercise
from plans.importing import ReviewRow, review_row_to_json
from plans.models import ConfidenceLevel, WorkoutExercise, WorkoutImportLog, WorkoutPlan
from sessions.models import ExerciseSession

PLAN_NAME_MAX_LENGTH = 100
SETS_MIN, SETS_MAX = 1, 20
REPS_MIN, REPS_MAX = 1, 100
REST_MIN, REST_MAX = 0, 900
IMPORT_TEXT_MAX_LENGTH = 20_000
# Exercise carries no default set count; three is the common prescription.
DEFAULT_SETS = 3
COPY_SUFFIX = " (copy)"


class PlanConflict(Exception):
    """The plan changed after the page the edit came from was rendered; nothing was written."""


@dataclass(frozen=True)
class PlannedExercise:
    """One exercise of a plan to be written: what the import review screen hands over."""

    exercise_id: int
    sets: int
    reps_min: int
    reps_max: int
    rest_time_seconds: int
    confidence: str
    notes: str = ""


def clean_plan_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the plan a name."})
    if len(name) > PLAN_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Keep the name to {PLAN_NAME_MAX_LENGTH} characters (it has {len(name)})."}
        )
    return name


def check_plan_numbers(*, sets: int, reps_min: int, reps_max: int, rest_time_seconds: int):
    errors = {}
    if not SETS_MIN <= sets <= SETS_MAX:
        errors["sets"] = f"Sets must be between {SETS_MIN} and {SETS_MAX}."
    if not REPS_MIN <= reps_min <= REPS_MAX:
        errors["reps_min"] = f"Reps must be between {REPS_MIN} and {REPS_MAX}."
    if not REPS_MIN <= reps_max <= REPS_MAX:
        errors["reps_max"] = f"Reps must be between {REPS_MIN} and {REPS_MAX}."
    elif "reps_min" not in errors and reps_max < reps_min:
        errors["reps_max"] = "Max reps must be at least the min reps."
    if not REST_MIN <= rest_time_seconds <= REST_MAX:
        errors["rest_time_seconds"] = f"Rest must be between {REST_MIN} and {REST_MAX} seconds."
    if errors:
        raise ValidationError(errors)


def plan_create(*, user, name: str) -> WorkoutPlan:
    name = clean_plan_name(name)
    with as_user(user):
        return WorkoutPlan.objects.create(user=user, name=name)


def plan_rename(*, user, plan_id: int, version: int, name: str) -> None:
    name = clean_plan_name(name)
    with as_user(user):
        _claim_plan(user=user, plan_id=plan_id, version=version, name=name)


def plan_duplicate(*, user, plan_id: int) -> WorkoutPlan:
    """A new plan with the same exercises in the same order, named "<name> (copy)"."""
    with as_user(user):
        original = WorkoutPlan.objects.get(pk=plan_id, user=user)
        base = original.name[: PLAN_NAME_MAX_LENGTH - len(COPY_SUFFIX)].rstrip()
        copy = WorkoutPlan.objects.create(user=user, name=f"{base}{COPY_SUFFIX}")
        WorkoutExercise.objects.bulk_create(
            WorkoutExercise(
                workout_plan=copy,
                user=user,
                exercise_id=slot.exercise_id,
                sequence=slot.sequence,
                sets=slot.sets,
                reps_min=slot.reps_min,
                reps_max=slot.reps_max,
                rest_time_seconds=slot.rest_time_seconds,
                confidence_level=slot.confidence_level,
                notes=slot.notes,
            )
            for slot in WorkoutExercise.objects.filter(workout_plan=original, user=user)
        )
        return copy


def plan_delete(*, user, plan_id: int) -> None:
    """Soft delete: the plan leaves the list and the editor, and can be restored.

    Workouts already done keep their own copy of the plan's name, so they are not touched.
    """
    now = timezone.now()
    with as_user(user):
        deleted = WorkoutPlan.objects.filter(pk=plan_id, user=user).update(
            deleted_at=now, updated_at=now, version=F("version") + 1
        )
    if not deleted:
        raise WorkoutPlan.DoesNotExist


def plan_restore(*, user, plan_id: int) -> None:
    now = timezone.now()
    with as_user(user):
        restored = WorkoutPlan.all_objects.filter(
            pk=plan_id, user=user, deleted_at__isnull=False
        ).update(deleted_at=None, updated_at=now, version=F("version") + 1)
    if not restored:
        raise WorkoutPlan.DoesNotExist


def plan_exercise_add(*, user, plan_id: int, version: int, exercise_id: int) -> WorkoutExercise:
    """Append an active catalog exercise, prefilled from its defaults (reps_min = reps_max)."""
    with as_user(user):
        _claim_plan(user=user, plan_id=plan_id, version=version)
        try:
            exercise = Exercise.objects.active().get(pk=exercise_id)
        except Exercise.DoesNotExist:
            raise ValidationError(
                {"exercise": "That exercise is not offered any more. Search again."}
            ) from None
        # Removed exercises keep their positions, which stay taken.
        last = WorkoutExercise.all_objects.filter(workout_plan_id=plan_id, user=user).aggregate(
            last=Max("sequence")
        )["last"]
        return WorkoutExercise.objects.create(
            workout_plan_id=plan_id,
            user=user,
            exercise=exercise,
            sequence=(last or 0) + 1,
            sets=DEFAULT_SETS,
            reps_min=exercise.default_reps,
            reps_max=exercise.default_reps,
            rest_time_seconds=exercise.default_rest_time_seconds,
        )


def plan_exercise_update(
    *,
    user,
    plan_id: int,
    version: int,
    workout_exercise_id: int,
    exercise_version: int,
    sets: int,
    reps_min: int,
    reps_max: int,
    rest_time_seconds: int,
) -> None:
    check_plan_numbers(
        sets=sets, reps_min=reps_min, reps_max=reps_max, rest_time_seconds=rest_time_seconds
    )
    with as_user(user):
        _claim_plan(user=user, plan_id=plan_id, version=version)
        _claim_slot(
            user=user,
            plan_id=plan_id,
            workout_exercise_id=workout_exercise_id,
            version=exercise_version,
            sets=sets,
            reps_min=reps_min,
            reps_max=reps_max,
            rest_time_seconds=rest_time_seconds,
        )


def plan_exercise_move(
    *,
    user,
    plan_id: int,
    version: int,
    workout_exercise_id: int,
    exercise_version: int,
    direction: str,
) -> bool:
    """Swap the exercise with its neighbour above ("up") or below ("down"); False when it is
    already at that end, and nothing moved.

    Both rows change position in one transaction: the (plan, sequence) constraint is deferred to
    the commit, when the positions are unique again.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"Unknown direction: {direction!r}")
    with as_user(user):
        _claim_plan(user=user, plan_id=plan_id, version=version)
        slot = _slot(user=user, plan_id=plan_id, workout_exercise_id=workout_exercise_id)
        siblings = WorkoutExercise.objects.filter(workout_plan_id=plan_id, user=user)
        if direction == "up":
            neighbour = siblings.filter(sequence__lt=slot.sequence).order_by("-sequence").first()
        else:
            neighbour = siblings.filter(sequence__gt=slot.sequence).order_by("sequence").first()
        if neighbour is None:
            _claim_slot(
                user=user, plan_id=plan_id, workout_exercise_id=slot.pk, version=exercise_version
            )
            return False
        _claim_slot(
            user=user,
            plan_id=plan_id,
            workout_exercise_id=slot.pk,
            version=exercise_version,
            sequence=neighbour.sequence,
        )
        _claim_slot(
            user=user,
            plan_id=plan_id,
            workout_exercise_id=neighbour.pk,
            version=neighbour.version,
            sequence=slot.sequence,
        )
        return True


def plan_exercise_remove(
    *, user, plan_id: int, version: int, workout_exercise_id: int, exercise_version: int
) -> None:
    """Take the exercise out of the plan.

    Workouts that logged sets for it keep pointing at it, so then it is only soft-deleted.
    Positions are not renumbered: a removed exercise keeps its place, and order is what counts.
    """
    with as_user(user):
        _claim_plan(user=user, plan_id=plan_id, version=version)
        slot = _slot(user=user, plan_id=plan_id, workout_exercise_id=workout_exercise_id)
        if slot.version != exercise_version:
            raise PlanConflict
        if ExerciseSession.objects.filter(workout_exercise=slot).exists():
            now = timezone.now()
            WorkoutExercise.objects.filter(pk=slot.pk).update(
                deleted_at=now, version=F("version") + 1, updated_at=now
            )
        else:
            slot.delete()


def plan_import(
    *,
    user,
    name: str,
    raw_text: str,
    parsed: Sequence[ReviewRow],
    rows: Sequence[PlannedExercise],
) -> WorkoutPlan:
    """Write the reviewed plan, its exercises and the import log, all or nothing.

    `parsed` is what the parser produced, recorded untouched in the log; `rows` is what the user
    kept after the review, in order. Any invalid row refuses the whole import.
    """
    name = clean_plan_name(name)
    if not raw_text.strip() or len(raw_text) > IMPORT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"raw_text": f"The text must hold 1 to {IMPORT_TEXT_MAX_LENGTH} characters."}
        )
    if not rows:
        raise ValidationError({"rows": "Keep at least one exercise to create a plan."})
    row_errors = []
    for position, row in enumerate(rows, start=1):
        try:
            check_plan_numbers(
                sets=row.sets,
                reps_min=row.reps_min,
                reps_max=row.reps_max,
                rest_time_seconds=row.rest_time_seconds,
            )
            if row.confidence not in ConfidenceLevel.values:
                raise ValidationError(f"Unknown confidence {row.confidence!r}.")
        except ValidationError as error:
            row_errors.append(f"Row {position}: {' '.join(error.messages)}")
    chosen = {row.exercise_id for row in rows}
    offered = set(Exercise.objects.active().filter(pk__in=chosen).values_list("pk", flat=True))
    row_errors += [
        f"Row {position}: exercise {row.exercise_id} is not offered."
        for position, row in enumerate(rows, start=1)
        if row.exercise_id not in offered
    ]
    if row_errors:
        raise ValidationError({"rows": row_errors})
    with as_user(user):
        plan = WorkoutPlan.objects.create(user=user, name=name)
        WorkoutExercise.objects.bulk_create(
            WorkoutExercise(
                workout_plan=plan,
                user=user,
                exercise_id=row.exercise_id,
                sequence=sequence,
                sets=row.sets,
                reps_min=row.reps_min,
                reps_max=row.reps_max,
                rest_time_seconds=row.rest_time_seconds,
                confidence_level=row.confidence,
                notes=row.notes,
            )
            for sequence, row in enumerate(rows, start=1)
        )
        WorkoutImportLog.objects.create(
            user=user,
            raw_text=raw_text,
            parsed_exercises=[review_row_to_json(row) for row in parsed],
            confidence_scores=[
                {
                    "name_as_written": row.name_as_written,
                    "confidence": row.confidence,
                    "score": row.score,
                }
                for row in parsed
            ],
            workout_plan=plan,
        )
        return plan


def _claim_plan(*, user, plan_id: int, version: int, **changes) -> None:
    """Bump the plan's version (and apply `changes`) if it still has `version`.

    The UPDATE ... WHERE version = %s both detects a stale page and locks the plan row for the
    rest of the transaction.
    """
    claimed = WorkoutPlan.objects.filter(pk=plan_id, user=user, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if claimed:
        return
    if WorkoutPlan.objects.filter(pk=plan_id, user=user).exists():
        raise PlanConflict
    raise WorkoutPlan.DoesNotExist


def _slot(*, user, plan_id: int, workout_exercise_id: int) -> WorkoutExercise:
    return WorkoutExercise.objects.select_related("exercise").get(
        pk=workout_exercise_id, workout_plan_id=plan_id, user=user
    )


def _claim_slot(*, user, plan_id: int, workout_exercise_id: int, version: int, **changes) -> None:
    claimed = WorkoutExercise.objects.filter(
        pk=workout_exercise_id, workout_plan_id=plan_id, user=user, version=version
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if claimed:
        return
    _slot(user=user, plan_id=plan_id, workout_exercise_id=workout_exercise_id)
    raise PlanConflict
