from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from allworkouts.fields import EnumArrayField
from allworkouts.timestamps import TimestampedModel

# kg with nine decimal places holds every pound value in 0.5 lb steps exactly
# (1 lb = 0.45359237 kg), so weights entered in either unit round-trip without loss.
WEIGHT_MAX_DIGITS = 13
WEIGHT_DECIMAL_PLACES = 9

BODYWEIGHT = "Bodyweight"


class MuscleGroup(models.TextChoices):
    CHEST = "chest"
    LATS = "lats"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    TRAPS = "traps"
    SHOULDERS = "shoulders"
    BICEPS = "biceps"
    TRICEPS = "triceps"
    FOREARMS = "forearms"
    ABS = "abs"
    OBLIQUES = "obliques"
    QUADS = "quads"
    HAMSTRINGS = "hamstrings"
    GLUTES = "glutes"
    CALVES = "calves"
    ADDUCTORS = "adductors"
    ABDUCTORS = "abductors"
    NECK = "neck"


class CatalogQuerySet(models.QuerySet):
    def active(self):
        """Rows offered in pickers: retired ones stay for history but are not offered."""
        return self.filter(retired_at__isnull=True)


class Equipment(TimestampedModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        db_table = "equipment"
        ordering = ["name"]
        verbose_name_plural = "equipment"
        constraints = [models.UniqueConstraint(Lower("name"), name="equipment_name_ci_unique")]

    def __str__(self):
        return self.name


class Exercise(TimestampedModel):
    name = models.CharField(max_length=120, unique=True)
    primary_muscle_groups = EnumArrayField(
        enum_type="muscle_group_enum", choices=MuscleGroup.choices
    )
    secondary_muscle_groups = EnumArrayField(
        enum_type="muscle_group_enum", choices=MuscleGroup.choices, default=list, blank=True
    )
    equipment = models.ManyToManyField(
        Equipment, through="ExerciseEquipment", related_name="exercises"
    )
    default_weight = models.DecimalField(
        "default weight (kg)",
        max_digits=WEIGHT_MAX_DIGITS,
        decimal_places=WEIGHT_DECIMAL_PLACES,
        default=0,
    )
    default_reps = models.PositiveSmallIntegerField(default=8)
    default_rest_time_seconds = models.PositiveSmallIntegerField(default=90)
    aliases = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Other names people write for it (OHP, RDL, pullups), used to match plan text.",
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="A retired exercise stays in history but is not offered."
    )

    objects = CatalogQuerySet.as_manager()

    class Meta:
        db_table = "exercise"
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["primary_muscle_groups"], name="exercise_primary_muscles_gin"),
            GinIndex(fields=["secondary_muscle_groups"], name="exercise_secondary_muscles_gin"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="exercise_name_ci_unique"),
            models.CheckConstraint(
                condition=Q(primary_muscle_groups__len__gt=0),
                name="exercise_has_primary_muscle",
            ),
            models.CheckConstraint(
                condition=Q(default_weight__gte=0), name="exercise_default_weight_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(default_reps__gte=1, default_reps__lte=100),
                name="exercise_default_reps_range",
            ),
            models.CheckConstraint(
                condition=Q(default_rest_time_seconds__lte=900),
                name="exercise_default_rest_range",
            ),
        ]

    def __str__(self):
        return self.name


class ExerciseEquipment(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT)
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT)

    class Meta:
        db_table = "exercise_equipment"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "equipment"], name="exercise_equipment_unique"
            )
        ]

    def __str__(self):
        return f"{self.exercise} needs {self.equipment}"
