from django.conf import settings
from django.db import models

from allworkouts.fields import EnumField


class RecordType(models.TextChoices):
    ONE_REP_MAX = "1rm", "Estimated 1RM"
    SET_VOLUME = "set_volume", "Set volume"
    TOTAL_VOLUME = "total_volume", "Workout volume"


class PersonalRecord(models.Model):
    """The current best of one kind for one user and exercise, and the set that achieved it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey("catalog.Exercise", on_delete=models.PROTECT, related_name="+")
    record_type = EnumField(enum_type="record_type_enum", choices=RecordType.choices)
    value = models.DecimalField(max_digits=20, decimal_places=9)
    exercise_session = models.ForeignKey(
        "workout_sessions.ExerciseSession", on_delete=models.PROTECT, related_name="+"
    )
    achieved_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "personal_record"
        indexes = [models.Index(fields=["user", "exercise"], name="personal_record_user_exercise")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "exercise", "record_type"], name="personal_record_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gt=0), name="personal_record_value_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.value}"
