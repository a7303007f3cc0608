from django.conf import settings
from django.db import models
from django.db.models import F, Q

from allworkouts.fields import EnumField
from allworkouts.timestamps import SoftDeleteModel, TimestampedModel


class ConfidenceLevel(models.TextChoices):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class WorkoutPlan(TimestampedModel, SoftDeleteModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    # Optimistic locking: every edit bumps it; an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "workout_plan"
        indexes = [models.Index(fields=["user", "-created_at"], name="workout_plan_user_created")]
        constraints = [
            # Lets child rows reference (plan, user) so a row can never point at another
            # user's plan, whatever the application does.
            models.UniqueConstraint(fields=["id", "user"], name="workout_plan_id_user_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="workout_plan_name_not_empty"),
        ]

    def __str__(self):
        return self.name


class WorkoutExercise(TimestampedModel, SoftDeleteModel):
    """One exercise of a plan, at position `sequence`, with its planned sets, reps and rest.

    Removing an exercise that workouts logged sets for only soft-deletes it (and it keeps its
    position), so those workouts still show what was planned. Positions may have gaps.
    """

    workout_plan = models.ForeignKey(WorkoutPlan, on_delete=models.PROTECT, related_name="+")
    # Copied from the plan so that row-level security can compare it directly.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey("catalog.Exercise", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField()
    reps_min = models.PositiveSmallIntegerField()
    reps_max = models.PositiveSmallIntegerField()
    rest_time_seconds = models.PositiveSmallIntegerField()
    confidence_level = EnumField(
        enum_type="confidence_level_enum",
        choices=ConfidenceLevel.choices,
        null=True,
        blank=True,
        help_text="How sure the plan import was of the exercise match; empty when built by hand.",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "workout_exercise"
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["id", "user"], name="workout_exercise_id_user_unique"),
            # Deferred, so that a reorder can swap two positions inside one transaction.
            models.UniqueConstraint(
                fields=["workout_plan", "sequence"],
                name="workout_exercise_plan_sequence_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=20), name="workout_exercise_sets_range"
            ),
            models.CheckConstraint(
                condition=Q(reps_min__gte=1, reps_max__gte=F("reps_min"), reps_max__lte=100),
                name="workout_exercise_reps_range",
            ),
            models.CheckConstraint(
                condition=Q(rest_time_seconds__lte=900), name="workout_exercise_rest_range"
            ),
        ]

    def __str__(self):
        return f"{self.sequence}. {self.exercise_id}"


class WorkoutImportLog(TimestampedModel):
    """What was pasted, what the parser made of it, and the plan that came out (audit trail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raw_text = models.TextField()
    parsed_exercises = models.JSONField(default=list)
    confidence_scores = models.JSONField(default=list)
    workout_plan = models.ForeignKey(
        WorkoutPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "workout_import_log"

    def __str__(self):
        return f"Import {self.pk}"
