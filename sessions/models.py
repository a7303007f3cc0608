from django.conf import settings
from django.db import models
from django.db.models import Q

from allworkouts.fields import EnumField
from allworkouts.timestamps import SoftDeleteModel, TimestampedModel
from catalog.models import WEIGHT_DECIMAL_PLACES, WEIGHT_MAX_DIGITS


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class WorkoutSession(TimestampedModel, SoftDeleteModel):
    """One workout: a plan carried out on one day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workout_plan = models.ForeignKey(
        "plans.WorkoutPlan", on_delete=models.PROTECT, related_name="+"
    )
    # The plan's name when the workout started: later plan edits never rewrite history.
    name = models.CharField(max_length=100)
    status = EnumField(
        enum_type="session_status_enum",
        choices=SessionStatus.choices,
        default=SessionStatus.IN_PROGRESS,
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "workout_session"
        indexes = [
            models.Index(
                fields=["user", "status", "created_at"], name="workout_session_user_status"
            ),
            models.Index(fields=["user", "-created_at"], name="workout_session_user_created"),
            # The history filtered to the rare abandoned workouts. Under row-level security
            # `status = ...` cannot be an index condition (enum equality is not leakproof), but
            # it can prove a partial index's predicate, so the page reads only its own rows.
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(status=SessionStatus.ABANDONED, deleted_at__isnull=True),
                name="workout_session_user_abandoned",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id", "user"], name="workout_session_id_user_unique"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="in_progress", deleted_at__isnull=True),
                name="workout_session_one_in_progress",
            ),
        ]

    def __str__(self):
        return self.name


class ExerciseSession(TimestampedModel):
    """One logged set. Editable, so mistakes can be corrected (seed decision 1)."""

    workout_session = models.ForeignKey(WorkoutSession, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey("catalog.Exercise", on_delete=models.PROTECT, related_name="+")
    # The plan slot this set was logged for; its exercise differs from `exercise` after a swap.
    workout_exercise = models.ForeignKey(
        "plans.WorkoutExercise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_number = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField()
    weight = models.DecimalField(
        "weight (kg)", max_digits=WEIGHT_MAX_DIGITS, decimal_places=WEIGHT_DECIMAL_PLACES
    )
    rest_time_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Made by the browser for each set form: a retried POST finds the row it already created.
    idempotency_key = models.UUIDField(unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "exercise_session"
        indexes = [
            models.Index(
                fields=["user", "exercise", "-created_at"], name="exercise_session_previous"
            ),
            models.Index(fields=["workout_session", "set_number"], name="exercise_session_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id", "user"], name="exercise_session_id_user_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="exercise_session_weight_ok"),
            models.CheckConstraint(condition=Q(set_number__gte=1), name="exercise_session_set_ok"),
        ]

    def __str__(self):
        return f"Set {self.set_number}: {self.reps} x {self.weight} kg"
