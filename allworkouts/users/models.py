from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from allworkouts.fields import EnumField
from allworkouts.timestamps import SoftDeleteModel, TimestampedModel


class UnitSystem(models.TextChoices):
    METRIC = "metric", "Metric (kg)"
    IMPERIAL = "imperial", "Imperial (lb)"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin, TimestampedModel):
    """A lifter. Logs in with an email address; weights are shown in `unit_system`."""

    email = models.EmailField("email address", max_length=254, unique=True)
    unit_system = EnumField(
        enum_type="unit_system_enum", choices=UnitSystem.choices, default=UnitSystem.METRIC
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "user"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.email


class UserEquipment(TimestampedModel, SoftDeleteModel):
    """Equipment a user owns. Unticking it soft-deletes the row; ticking it again restores it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    equipment = models.ForeignKey("catalog.Equipment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "user_equipment"
        constraints = [
            models.UniqueConstraint(fields=["user", "equipment"], name="user_equipment_unique")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.equipment_id}"
