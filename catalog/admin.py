from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, quote
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from catalog.models import Equipment, Exercise, ExerciseEquipment, MuscleGroup
from catalog.services import (
    CatalogRowInUse,
    catalog_row_restore,
    catalog_row_retire,
    equipment_delete,
    equipment_delete_many,
    exercise_delete,
    exercises_delete,
)

BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("retired", "Retired")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(retired_at__isnull=True)
        if self.value() == "retired":
            return queryset.filter(retired_at__isnull=False)
        return queryset


class PrimaryMuscleGroupFilter(admin.SimpleListFilter):
    title = "primary muscle group"
    parameter_name = "primary_muscle"

    def lookups(self, request, model_admin):
        return MuscleGroup.choices

    def queryset(self, request, queryset):
        if self.value() in MuscleGroup.values:
            return queryset.filter(primary_muscle_groups__contains=[self.value()])
        return queryset


class WorkedMuscleGroupFilter(admin.SimpleListFilter):
    title = "muscle group worked (primary or secondary)"
    parameter_name = "muscle"

    def lookups(self, request, model_admin):
        return MuscleGroup.choices

    def queryset(self, request, queryset):
        if self.value() in MuscleGroup.values:
            muscle = [self.value()]
            return queryset.filter(
                Q(primary_muscle_groups__overlap=muscle)
                | Q(secondary_muscle_groups__overlap=muscle)
            )
        return queryset


class CatalogRowAdmin(admin.ModelAdmin):
    """Retire and restore actions, and deletes that the database may refuse.

    Rows that reference a catalog row may belong to other users, and row-level security hides
    those from the staff user, so the admin cannot list them: the delete is attempted and the
    database's foreign-key check decides. A refused delete leaves everything as it was (the
    admin's log entry included) and says the row is in use, offering to retire it instead.
    """

    actions = ["delete_selected", "retire", "restore"]
    list_filter = [StatusFilter]
    readonly_fields = ["retired_at", "created_at", "updated_at"]
    # What references rows of this model, for the in-use message.
    used_by = ""

    @admin.display(boolean=True, description="active", ordering="retired_at")
    def is_active(self, row):
        return row.retired_at is None

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except CatalogRowInUse as error:
            (row,) = error.rows
            self.message_user(
                request,
                f"The {self.opts.verbose_name} “{row}” is in use ({self.used_by}) and cannot be "
                f"deleted. Retire it instead: it stays in history but is no longer offered. "
                f"Choose “Retire” in the Action menu of this page.",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[quote(row.pk)],
                    current_app=self.admin_site.name,
                )
            )

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        try:
            with transaction.atomic():
                return django_delete_selected(self, request, queryset)
        except CatalogRowInUse as error:
            names = ", ".join(f"“{row}”" for row in error.rows)
            self.message_user(
                request,
                f"Nothing was deleted: {names} "
                f"{'is' if len(error.rows) == 1 else 'are'} in use ({self.used_by}). "
                f"Retire {'it' if len(error.rows) == 1 else 'them'} instead with the "
                f"“Retire” action, or leave {'it' if len(error.rows) == 1 else 'them'} out of "
                f"the selection.",
                messages.ERROR,
            )
            return None

    @admin.action(
        permissions=["change"],
        description="Retire (stop offering; history keeps it)",
        description_plural="Retire selected %(verbose_name_plural)s",
        location=BOTH_LOCATIONS,
    )
    def retire(self, request, queryset):
        changed = [row for row in queryset if catalog_row_retire(row=row)]
        self._report_change(request, queryset, changed, "Retired", "already retired")

    @admin.action(
        permissions=["change"],
        description="Restore (offer it again)",
        description_plural="Restore selected %(verbose_name_plural)s",
        location=BOTH_LOCATIONS,
    )
    def restore(self, request, queryset):
        changed = [row for row in queryset if catalog_row_restore(row=row)]
        self._report_change(request, queryset, changed, "Restored", "not retired")

    def _report_change(self, request, queryset, changed, done: str, not_needed: str):
        unchanged = len(queryset) - len(changed)
        message = f"{done} {len(changed)} {model_ngettext(self.opts, len(changed))}."
        if unchanged:
            message += (
                f" {unchanged} {not_needed}, left as {'it was' if unchanged == 1 else 'they were'}."
            )
        self.message_user(request, message, messages.SUCCESS if changed else messages.WARNING)


class ExerciseEquipmentInline(admin.TabularInline):
    model = ExerciseEquipment
    extra = 1
    verbose_name = "equipment needed"
    verbose_name_plural = "equipment needed (a user needs all of it to do the exercise)"


@admin.register(Exercise)
class ExerciseAdmin(CatalogRowAdmin):
    list_display = ["name", "primary_muscles", "equipment_needed", "is_active"]
    list_filter = [PrimaryMuscleGroupFilter, WorkedMuscleGroupFilter, "equipment", StatusFilter]
    search_fields = ["name", "aliases"]
    inlines = [ExerciseEquipmentInline]
    fieldsets = [
        (None, {"fields": ["name", "aliases"]}),
        ("Muscle groups", {"fields": ["primary_muscle_groups", "secondary_muscle_groups"]}),
        (
            "Defaults for a new plan",
            {"fields": ["default_weight", "default_reps", "default_rest_time_seconds"]},
        ),
        ("Record", {"fields": ["retired_at", "created_at", "updated_at"]}),
    ]
    used_by = "by workout plans, logged sets or personal records, maybe other users'"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("equipment")

    @admin.display(description="primary muscles")
    def primary_muscles(self, exercise):
        return ", ".join(MuscleGroup(muscle).label for muscle in exercise.primary_muscle_groups)

    @admin.display(description="equipment")
    def equipment_needed(self, exercise):
        return ", ".join(item.name for item in exercise.equipment.all())

    def get_deleted_objects(self, objs, request):
        """The exercises and their equipment links, which are deleted with them.

        Nothing is listed as protected: what protects an exercise is mostly other users' rows,
        which the database checks when the delete is tried (see CatalogRowAdmin).
        """
        exercises = list(objs)
        links = ExerciseEquipment.objects.filter(exercise__in=exercises).select_related(
            "exercise", "equipment"
        )
        link_names: dict[int, list[str]] = {}
        for link in links:
            link_names.setdefault(link.exercise_id, []).append(
                f"{capfirst(ExerciseEquipment._meta.verbose_name)}: {link}"
            )
        to_delete = []
        for exercise in exercises:
            to_delete.append(
                format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(self.opts.verbose_name),
                    reverse(
                        "admin:catalog_exercise_change",
                        args=[quote(exercise.pk)],
                        current_app=self.admin_site.name,
                    ),
                    exercise,
                )
            )
            if exercise.pk in link_names:
                to_delete.append(link_names[exercise.pk])
        model_count = {self.opts.verbose_name_plural: len(exercises)}
        if links:
            model_count[ExerciseEquipment._meta.verbose_name_plural] = len(links)
        perms_needed = set()
        if not all(self.has_delete_permission(request, exercise) for exercise in exercises):
            perms_needed.add(self.opts.verbose_name)
        return to_delete, model_count, perms_needed, []

    def delete_model(self, request, obj):
        exercise_delete(exercise=obj)

    def delete_queryset(self, request, queryset):
        exercises_delete(exercises=queryset)


@admin.register(Equipment)
class EquipmentAdmin(CatalogRowAdmin):
    list_display = ["name", "description", "exercise_count", "is_active"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "retired_at", "created_at", "updated_at"]
    used_by = "needed by exercises or owned by users"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_count=Count("exercises"))

    @admin.display(description="exercises", ordering="exercise_count")
    def exercise_count(self, equipment):
        return equipment.exercise_count

    def delete_model(self, request, obj):
        equipment_delete(equipment=obj)

    def delete_queryset(self, request, queryset):
        equipment_delete_many(equipment=queryset)
