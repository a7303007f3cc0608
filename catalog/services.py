"""Writes to the exercise catalog: loading the curated file, importing free-exercise-db, and
deleting or retiring catalog rows."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalog import free_exercise_db
from catalog.models import Equipment, Exercise, ExerciseEquipment

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

EXERCISE_FILE_FIELDS = {
    "name",
    "primary_muscle_groups",
    "secondary_muscle_groups",
    "equipment",
    "default_weight_kg",
    "default_reps",
    "default_rest_time_seconds",
    "aliases",
}
EQUIPMENT_FILE_FIELDS = {"name", "description"}


class InvalidCatalogFile(ValueError):
    """The catalog file as a whole has the wrong shape, so no record of it can be read."""


class CatalogRowInUse(Exception):
    """Rows that cannot be deleted because something references them (often rows of other users,
    which row-level security hides from whoever asks)."""

    def __init__(self, rows):
        self.rows = list(rows)
        super().__init__(", ".join(str(row) for row in self.rows))


class InvalidCatalogRecord(ValueError):
    """One record of a catalog file that cannot be written; the message says why."""


@dataclass
class SyncCounts:
    """What happened to each record of one kind (equipment or exercises) in a load."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    def add(self, outcome: str, name: str) -> None:
        getattr(self, outcome).append(name)


@dataclass
class CatalogLoadReport:
    equipment: SyncCounts = field(default_factory=SyncCounts)
    exercises: SyncCounts = field(default_factory=SyncCounts)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FreeExerciseDbImportReport:
    records: int = 0
    # (category, outcome) -> number of records
    outcomes: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # (dataset name, the existing exercise that has it as an alias)
    alias_matches: list[tuple[str, str]] = field(default_factory=list)
    equipment_created: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(n for (_, each), n in self.outcomes.items() if each == outcome)


# Outcomes of a free-exercise-db record besides CREATED / UPDATED / UNCHANGED.
KEPT = "kept"  # its name exists and --update was not given
ALIAS = "alias"  # its name is an alias of an existing exercise
SKIPPED = "skipped"
EXCLUDED = "excluded"  # its category was not selected


def validation_reason(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field_name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if field_name == NON_FIELD_ERRORS else f"{field_name}: {text}")
    return "; ".join(parts)


def catalog_load(*, catalog) -> CatalogLoadReport:
    """Bring equipment, exercises and their equipment links in line with a curated catalog.

    Matches rows by name, case-insensitively; creates, updates or leaves each, never deletes one
    (rows missing from the file are reported). Each record is validated and written in its own
    savepoint, so a bad one is skipped whole and reported with the reason.
    """
    if not isinstance(catalog, dict):
        raise InvalidCatalogFile("The catalog must be a JSON object.")
    for key in ("equipment", "exercises"):
        if not isinstance(catalog.get(key), list):
            raise InvalidCatalogFile(f'The catalog needs an "{key}" list.')
    report = CatalogLoadReport()
    with transaction.atomic():
        equipment_by_name = {item.name.lower(): item for item in Equipment.objects.all()}
        in_file: set[str] = set()
        for position, record in enumerate(catalog["equipment"], start=1):
            label = _label(record, "equipment", position)
            try:
                name = _record_name(record, EQUIPMENT_FILE_FIELDS)
                if name.lower() in in_file:
                    raise InvalidCatalogRecord("appears twice in the file")
                in_file.add(name.lower())
                with transaction.atomic():
                    item, outcome = _equipment_write(
                        equipment=equipment_by_name.get(name.lower()),
                        name=name,
                        description=_text(record.get("description", ""), "description"),
                    )
            except ValidationError as error:
                report.equipment.skipped.append((label, validation_reason(error)))
                continue
            except (InvalidCatalogRecord, IntegrityError) as error:
                report.equipment.skipped.append((label, str(error).strip()))
                continue
            equipment_by_name[name.lower()] = item
            report.equipment.add(outcome, item.name)
        report.equipment.not_in_file = sorted(
            item.name for key, item in equipment_by_name.items() if key not in in_file
        )

        exercises_by_name = {
            exercise.name.lower(): exercise
            for exercise in Exercise.objects.prefetch_related("equipment")
        }
        in_file = set()
        for position, record in enumerate(catalog["exercises"], start=1):
            label = _label(record, "exercise", position)
            try:
                name = _record_name(record, EXERCISE_FILE_FIELDS)
                if name.lower() in in_file:
                    raise InvalidCatalogRecord("appears twice in the file")
                in_file.add(name.lower())
                values = _exercise_values(record, name)
                equipment = _equipment_named(record.get("equipment"), equipment_by_name)
                with transaction.atomic():
                    exercise, outcome = _exercise_write(
                        exercise=exercises_by_name.get(name.lower()),
                        values=values,
                        equipment=equipment,
                    )
            except ValidationError as error:
                report.exercises.skipped.append((label, validation_reason(error)))
                continue
            except (InvalidCatalogRecord, IntegrityError) as error:
                report.exercises.skipped.append((label, str(error).strip()))
                continue
            report.exercises.add(outcome, exercise.name)
        report.exercises.not_in_file = sorted(
            exercise.name for key, exercise in exercises_by_name.items() if key not in in_file
        )
        stored_elsewhere = {
            key: exercise.name for key, exercise in exercises_by_name.items() if key not in in_file
        }
    report.warnings = _alias_collisions(catalog["exercises"], stored_elsewhere)
    return report


def catalog_import_free_exercise_db(
    *, records, categories=free_exercise_db.DEFAULT_CATEGORIES, update: bool = False
) -> FreeExerciseDbImportReport:
    """Import exercises in the free-exercise-db format (see catalog.free_exercise_db).

    An exercise whose name exists already (case-insensitively) is updated only with `update`, and
    then only its muscles and equipment: its defaults and aliases are ours. A record whose name is
    an alias of an existing exercise is that exercise under another name and is left alone.
    """
    if not isinstance(records, list):
        raise InvalidCatalogFile("A free-exercise-db file is a JSON list of exercises.")
    unknown = set(categories) - set(free_exercise_db.CATEGORIES)
    if unknown:
        raise ValueError(f"Unknown categories: {', '.join(sorted(unknown))}")
    report = FreeExerciseDbImportReport(records=len(records))
    mapped: list[free_exercise_db.MappedExercise] = []
    names_seen: set[str] = set()
    for position, record in enumerate(records, start=1):
        label = free_exercise_db.record_label(record, position)
        try:
            category = free_exercise_db.record_category(record)
            if category not in categories:
                report.outcomes[category, EXCLUDED] += 1
                continue
            exercise = free_exercise_db.exercise_from_record(record)
            if exercise.name.lower() in names_seen:
                raise free_exercise_db.InvalidRecord("appears twice in the file")
        except free_exercise_db.InvalidRecord as error:
            report.outcomes[_category_or_unknown(record), SKIPPED] += 1
            report.skipped.append((label, str(error)))
            continue
        names_seen.add(exercise.name.lower())
        mapped.append(exercise)

    with transaction.atomic():
        equipment_by_name = {item.name.lower(): item for item in Equipment.objects.all()}
        for name in dict.fromkeys(item for exercise in mapped for item in exercise.equipment):
            if name.lower() not in equipment_by_name:
                item = Equipment(name=name)
                item.full_clean()
                item.save()
                equipment_by_name[name.lower()] = item
                report.equipment_created.append(name)
        exercises_by_name = {
            exercise.name.lower(): exercise
            for exercise in Exercise.objects.prefetch_related("equipment")
        }
        exercise_by_alias = {
            alias.lower(): exercise
            for exercise in exercises_by_name.values()
            for alias in exercise.aliases
        }
        for exercise_data in mapped:
            key = exercise_data.name.lower()
            existing = exercises_by_name.get(key)
            if existing is None and key in exercise_by_alias:
                report.outcomes[exercise_data.category, ALIAS] += 1
                report.alias_matches.append((exercise_data.name, exercise_by_alias[key].name))
                continue
            if existing is not None and not update:
                report.outcomes[exercise_data.category, KEPT] += 1
                continue
            values = {
                "primary_muscle_groups": list(exercise_data.primary_muscle_groups),
                "secondary_muscle_groups": list(exercise_data.secondary_muscle_groups),
            }
            if existing is None:
                values["name"] = exercise_data.name
            equipment = [equipment_by_name[name.lower()] for name in exercise_data.equipment]
            try:
                with transaction.atomic():
                    _, outcome = _exercise_write(
                        exercise=existing, values=values, equipment=equipment
                    )
            except (ValidationError, IntegrityError) as error:
                reason = (
                    validation_reason(error)
                    if isinstance(error, ValidationError)
                    else str(error).strip()
                )
                report.outcomes[exercise_data.category, SKIPPED] += 1
                report.skipped.append((exercise_data.name, reason))
                continue
            report.outcomes[exercise_data.category, outcome] += 1
    return report


def exercise_delete(*, exercise: Exercise) -> None:
    """Delete an exercise nobody uses, with its equipment links; raise CatalogRowInUse if used."""
    exercises_delete(exercises=[exercise])


def exercises_delete(*, exercises) -> None:
    """Delete all the exercises or none: raise CatalogRowInUse naming each one in use."""
    in_use = []
    with transaction.atomic():
        for exercise in exercises:
            pk = exercise.pk
            try:
                with transaction.atomic():
                    ExerciseEquipment.objects.filter(exercise=exercise).delete()
                    exercise.delete()
                    _check_references_now()
            except IntegrityError:
                # delete() cleared the pk; the row is back, and so must be its pk.
                exercise.pk = pk
                in_use.append(exercise)
        if in_use:
            raise CatalogRowInUse(in_use)


def equipment_delete(*, equipment: Equipment) -> None:
    equipment_delete_many(equipment=[equipment])


def equipment_delete_many(*, equipment) -> None:
    """Delete all the equipment items or none: raise CatalogRowInUse naming each one in use
    (linked to an exercise or owned by a user)."""
    in_use = []
    with transaction.atomic():
        for item in equipment:
            pk = item.pk
            try:
                with transaction.atomic():
                    item.delete()
                    _check_references_now()
            except IntegrityError:
                item.pk = pk
                in_use.append(item)
        if in_use:
            raise CatalogRowInUse(in_use)


def catalog_row_retire(*, row: Exercise | Equipment) -> bool:
    """Stop offering an exercise or equipment item; history keeps it. False if already retired."""
    if row.retired_at is not None:
        return False
    row.retired_at = timezone.now()
    row.save(update_fields=["retired_at", "updated_at"])
    return True


def catalog_row_restore(*, row: Exercise | Equipment) -> bool:
    """Offer a retired exercise or equipment item again. False if it was not retired."""
    if row.retired_at is None:
        return False
    row.retired_at = None
    row.save(update_fields=["retired_at", "updated_at"])
    return True


def _check_references_now() -> None:
    """Run the deferred foreign-key checks now rather than at commit, so that a reference to a
    deleted row fails here, where it can be caught, and not as an error at the end of the
    request. The database is the only judge: row-level security hides other users' references
    from us, but not from the foreign-key check.

    SET CONSTRAINTS would last until the transaction ends; rolling back the savepoint around it
    puts the constraints back to deferred (the checks it ran then run once more at commit, and
    pass). It checks everything pending in the transaction, so it belongs right after a delete.
    """
    savepoint = transaction.savepoint_create()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    finally:
        transaction.savepoint_rollback(savepoint)


def _equipment_write(*, equipment: Equipment | None, name: str, description: str):
    if equipment is not None and (equipment.name, equipment.description) == (name, description):
        return equipment, UNCHANGED
    outcome = CREATED if equipment is None else UPDATED
    equipment = equipment or Equipment()
    equipment.name = name
    equipment.description = description
    equipment.full_clean()
    equipment.save()
    return equipment, outcome


def _exercise_write(*, exercise: Exercise | None, values: dict, equipment: list[Equipment]):
    """Create or update one exercise and its equipment links; say which, or that nothing changed.

    Runs inside the caller's savepoint, so that a database error part-way through (a name taken
    meanwhile by someone else) leaves nothing of the record behind.
    """
    outcome = CREATED if exercise is None else UNCHANGED
    if exercise is None:
        exercise = Exercise()
        linked = set()
    else:
        linked = {item.pk for item in exercise.equipment.all()}
    before = {name: getattr(exercise, name) for name in values}
    for name, value in values.items():
        setattr(exercise, name, value)
    exercise.full_clean()
    wanted = {item.pk for item in equipment}
    if outcome == UNCHANGED and (
        before != {name: getattr(exercise, name) for name in values} or linked != wanted
    ):
        outcome = UPDATED
    if outcome == UNCHANGED:
        return exercise, outcome
    exercise.save()
    if linked - wanted:
        ExerciseEquipment.objects.filter(exercise=exercise, equipment__in=linked - wanted).delete()
    ExerciseEquipment.objects.bulk_create(
        ExerciseEquipment(exercise=exercise, equipment_id=pk) for pk in sorted(wanted - linked)
    )
    return exercise, outcome


def _exercise_values(record: dict, name: str) -> dict:
    """The Exercise field values a catalog record gives; fields it omits take their defaults."""
    values = {
        "name": name,
        "primary_muscle_groups": _string_list(
            record.get("primary_muscle_groups"), "primary_muscle_groups"
        ),
        "secondary_muscle_groups": _string_list(
            record.get("secondary_muscle_groups", []), "secondary_muscle_groups"
        ),
        "aliases": [alias.strip() for alias in _string_list(record.get("aliases", []), "aliases")],
    }
    for file_field, model_field in (
        ("default_weight_kg", "default_weight"),
        ("default_reps", "default_reps"),
        ("default_rest_time_seconds", "default_rest_time_seconds"),
    ):
        value = record.get(file_field, Exercise._meta.get_field(model_field).get_default())
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            # Floats are refused too: 62.5 would come through binary floating point.
            raise InvalidCatalogRecord(f"{file_field} must be a number written as a string")
        values[model_field] = value
    return values


def _equipment_named(names, equipment_by_name: dict) -> list[Equipment]:
    names = _string_list(names, "equipment")
    if not names:
        raise InvalidCatalogRecord("lists no equipment (an exercise without any lists Bodyweight)")
    items = []
    for name in names:
        item = equipment_by_name.get(name.strip().lower())
        if item is None:
            raise InvalidCatalogRecord(f"needs unknown equipment {name!r}")
        if item in items:
            raise InvalidCatalogRecord(f"lists equipment {name!r} twice")
        items.append(item)
    return items


def _record_name(record, allowed_fields: set[str]) -> str:
    if not isinstance(record, dict):
        raise InvalidCatalogRecord("is not a JSON object")
    unknown = sorted(set(record) - allowed_fields)
    if unknown:
        raise InvalidCatalogRecord(f"has unknown fields: {', '.join(unknown)}")
    name = _text(record.get("name"), "name").strip()
    if not name:
        raise InvalidCatalogRecord("has no name")
    return name


def _text(value, field_name: str) -> str:
    if not isinstance(value, str):
        raise InvalidCatalogRecord(f"{field_name} must be a string")
    return value


def _string_list(value, field_name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidCatalogRecord(f"{field_name} must be a list of strings")
    return value


def _label(record, kind: str, position: int) -> str:
    if isinstance(record, dict) and isinstance(record.get("name"), str) and record["name"].strip():
        return record["name"].strip()
    return f"{kind} record {position}"


def _category_or_unknown(record) -> str:
    category = record.get("category") if isinstance(record, dict) else None
    return category if category in free_exercise_db.CATEGORIES else "(unknown)"


def _alias_collisions(records, stored_elsewhere: dict[str, str]) -> list[str]:
    """Aliases that would match more than one exercise when plan text is read: shared within
    the file, or the name of an exercise stored but not in the file (often a duplicate that an
    import made before this catalog was loaded)."""
    owners: dict[str, set[str]] = {key: {name} for key, name in stored_elsewhere.items()}
    spelling = dict(stored_elsewhere)
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("name"), str):
            continue
        name = record["name"].strip()
        aliases = record.get("aliases", [])
        if not isinstance(aliases, list):
            continue
        for term in [name, *aliases]:
            if isinstance(term, str):
                owners.setdefault(term.strip().lower(), set()).add(name)
                spelling.setdefault(term.strip().lower(), term.strip())
    return [
        f"“{spelling[key]}” names or is an alias of several exercises: {', '.join(sorted(names))}"
        for key, names in sorted(owners.items())
        if len(names) > 1
    ]
