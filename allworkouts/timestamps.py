"""Building blocks shared by the user-scoped models."""

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NotDeletedManager(models.Manager):
    """The default manager of soft-deleted models: rows with deleted_at set are hidden."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = NotDeletedManager()
    all_objects = models.Manager()  # noqa: DJ012 (managers, not fields)

    class Meta:
        abstract = True
