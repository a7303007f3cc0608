"""Reads of a user's workout plans. Each filters by the user, with row-level security beneath."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from allworkouts.rls import as_user
from allworkouts.users.selectors import owned_equipment_ids
from catalog.models import BODYWEIGHT, Exercise, MuscleGroup
from catalog.selectors import exercise_search
from plans.models import WorkoutExercise, WorkoutPlan
from sessions.models import WorkoutSession


@dataclass(frozen=True)
class ExerciseSearch:
    """What the exercise picker was asked for; empty means no search yet."""

    query: str = ""
    muscle_group: str | None = None
    equipment_id: int | None = None

    def __bool__(self):
        return bool(self.query.strip() or self.muscle_group or self.equipment_id is not None)


@dataclass(frozen=True)
class PickerResult:
    exercise: Exercise
    # Equipment the exercise needs that the user has not marked as theirs, by name.
    missing_equipment: list[str]

    @property
    def muscles(self) -> str:
        muscles = self.exercise.primary_muscle_groups
        return ", ".join(MuscleGroup(muscle).label for muscle in muscles)


@dataclass(frozen=True)
class PlanSlot:
    slot: WorkoutExercise
    missing_equipment: list[str]


@dataclass(frozen=True)
class PlanEditor:
    plan: WorkoutPlan
    slots: list[PlanSlot]
    picker_results: list[PickerResult] = field(default_factory=list)


def plan_list(*, user) -> list[WorkoutPlan]:
    """The user's plans, most recently used first.

    A plan's last use is its latest workout; a plan never trained counts from its last edit.
    Each plan carries `last_used_at` (or None) and `exercise_count`.
    """
    latest_workout = (
        WorkoutSession.objects.filter(workout_plan=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    exercise_count = (
        WorkoutExercise.objects.filter(workout_plan=OuterRef("pk"))
        .order_by()
        .values("workout_plan")
        .annotate(count=Count("*"))
        .values("count")
    )
    with as_user(user):
        return list(
            WorkoutPlan.objects.filter(user=user)
            .annotate(
                last_used_at=Subquery(latest_workout),
                exercise_count=Coalesce(Subquery(exercise_count), 0),
            )
            .order_by(Coalesce("last_used_at", "updated_at").desc(), "-pk")
        )


def plan_deleted_list(*, user) -> list[WorkoutPlan]:
    """The user's deleted plans, most recently deleted first."""
    with as_user(user):
        return list(
            WorkoutPlan.all_objects.filter(user=user, deleted_at__isnull=False).order_by(
                "-deleted_at", "-pk"
            )
        )


def plan_get(*, user, plan_id: int) -> WorkoutPlan:
    """The user's plan, unless deleted; raises WorkoutPlan.DoesNotExist otherwise."""
    with as_user(user):
        return WorkoutPlan.objects.get(pk=plan_id, user=user)


def plan_deleted_get(*, user, plan_id: int) -> WorkoutPlan | None:
    with as_user(user):
        return WorkoutPlan.all_objects.filter(
            pk=plan_id, user=user, deleted_at__isnull=False
        ).first()


def plan_slot_exists(*, user, plan_id: int, workout_exercise_id: int) -> bool:
    """Whether the exercise belongs to this plan of the user's, the plan not deleted."""
    with as_user(user):
        return WorkoutExercise.objects.filter(
            pk=workout_exercise_id,
            workout_plan_id=plan_id,
            workout_plan__deleted_at__isnull=True,
            user=user,
        ).exists()


def plan_editor(*, user, plan_id: int, search: ExerciseSearch | None = None) -> PlanEditor:
    """The plan, its exercises in order (each with the equipment the user lacks for it) and,
    when `search` asks for something, the picker's results; raises WorkoutPlan.DoesNotExist for
    a plan that is not the user's or is deleted."""
    with as_user(user):
        plan = WorkoutPlan.objects.get(pk=plan_id, user=user)
        slots = list(
            WorkoutExercise.objects.filter(workout_plan=plan, user=user)
            .select_related("exercise")
            .prefetch_related("exercise__equipment")
            .order_by("sequence")
        )
        owned = owned_equipment_ids(user=user)
        results = _picker_results(search, owned) if search else []
    return PlanEditor(
        plan=plan,
        slots=[PlanSlot(slot, missing_equipment(slot.exercise, owned)) for slot in slots],
        picker_results=results,
    )


def exercise_picker(*, user, search: ExerciseSearch) -> list[PickerResult]:
    with as_user(user):
        return _picker_results(search, owned_equipment_ids(user=user))


def exercise_missing_equipment(*, user, exercise: Exercise) -> list[str]:
    with as_user(user):
        return missing_equipment(exercise, owned_equipment_ids(user=user))


def missing_equipment(exercise: Exercise, owned_equipment_ids: set[int]) -> list[str]:
    """Names of the equipment `exercise` needs that the user does not own (by name; prefetch
    `equipment` when there are many). Bodyweight is everyone's."""
    return [
        equipment.name
        for equipment in exercise.equipment.all()
        if equipment.id not in owned_equipment_ids and equipment.name != BODYWEIGHT
    ]


def _picker_results(search: ExerciseSearch, owned: set[int]) -> list[PickerResult]:
    exercises = exercise_search(
        query=search.query,
        muscle_group=search.muscle_group,
        equipment_id=search.equipment_id,
    )
    return [PickerResult(exercise, missing_equipment(exercise, owned)) for exercise in exercises]
