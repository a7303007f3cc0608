"""Mapping of the free-exercise-db catalog format onto our muscle groups and equipment.

free-exercise-db (public domain) describes each exercise as
{id, name, force, level, mechanic, equipment, primaryMuscles, secondaryMuscles, category}.
`exercise_from_record` turns one such record into what we store, or says why it cannot.
Nothing here touches the database; catalog.services writes the result.

The dataset names one piece of equipment per exercise, while our links mean "needs all of
these" (a user can do an exercise when they own every linked item). So the name rules below add
the items the dataset leaves out (the bench of a bench press, the pull-up bar of a pull-up), and
the more specific item replaces the generic one it stands for (a Smith machine exercise needs
the Smith machine, not "a machine" and a barbell as well).
"""

import re
from dataclasses import dataclass

from catalog.models import BODYWEIGHT, MuscleGroup

CATEGORIES = (
    "strength",
    "powerlifting",
    "olympic weightlifting",
    "strongman",
    "plyometrics",
    "stretching",
    "cardio",
)
# Sets of reps, with or without load, are what a workout log records. Stretches are timed holds
# and cardio is time or distance: neither fits a set of reps x weight, and both would crowd the
# exercise pickers and the plan-text matcher with near-namesakes ("Chest Stretch").
DEFAULT_CATEGORIES = (
    "strength",
    "powerlifting",
    "olympic weightlifting",
    "strongman",
    "plyometrics",
)

MUSCLES = {
    "abdominals": MuscleGroup.ABS,
    "abductors": MuscleGroup.ABDUCTORS,
    "adductors": MuscleGroup.ADDUCTORS,
    "biceps": MuscleGroup.BICEPS,
    "calves": MuscleGroup.CALVES,
    "chest": MuscleGroup.CHEST,
    "forearms": MuscleGroup.FOREARMS,
    "glutes": MuscleGroup.GLUTES,
    "hamstrings": MuscleGroup.HAMSTRINGS,
    "lats": MuscleGroup.LATS,
    "lower back": MuscleGroup.LOWER_BACK,
    # Rhomboids and mid trapezius: the region our upper_back covers.
    "middle back": MuscleGroup.UPPER_BACK,
    "neck": MuscleGroup.NECK,
    "quadriceps": MuscleGroup.QUADS,
    "shoulders": MuscleGroup.SHOULDERS,
    "traps": MuscleGroup.TRAPS,
    "triceps": MuscleGroup.TRICEPS,
}

OTHER = "Other"
EQUIPMENT = {
    "body only": BODYWEIGHT,
    "barbell": "Barbell",
    "dumbbell": "Dumbbell",
    "kettlebells": "Kettlebell",
    "e-z curl bar": "EZ Curl Bar",
    "cable": "Cable Machine",
    "machine": "Machine",
    "bands": "Resistance Band",
    "medicine ball": "Medicine Ball",
    "exercise ball": "Exercise Ball",
    "foam roll": "Foam Roller",
    "other": OTHER,
    None: BODYWEIGHT,
}

# The dataset has no obliques: rotation, side bends and side planks work them. Where abs were the
# exercise's only primary muscle, obliques take their place and abs become secondary (as in our
# curated catalog: Russian Twist is obliques / abs); elsewhere obliques are added as secondary.
OBLIQUES_NAME = re.compile(
    r"oblique|russian twist|side bend|side bridge|side plank|side jackknife|windmill"
    r"|wood ?chop|landmine 180|plate twist|barbell twist|full twist|pallof|cross-body crunch"
    r"|heel touch|spell caster|cable lift",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EquipmentRule:
    """Exercises whose name matches `pattern` also need `equipment`."""

    pattern: re.Pattern
    equipment: str


def _rule(pattern: str, equipment: str) -> EquipmentRule:
    return EquipmentRule(re.compile(pattern, re.IGNORECASE), equipment)


EQUIPMENT_RULES = (
    _rule(r"\bsmith\b", "Smith Machine"),
    # Not "air bike": in this dataset that is the lying bicycle crunch, not the fan bike.
    _rule(
        r"treadmill|bicycling, stationary|recumbent bike|elliptical|stairmaster|step mill"
        r"|rowing, stationary",
        "Cardio Machine",
    ),
    _rule(r"trap bar", "Trap Bar"),
    _rule(r"\bez[- ]bar\b", "EZ Curl Bar"),
    _rule(r"\bsled\b|prowler", "Sled"),
    _rule(r"\bbox\b|depth jump", "Plyo Box"),
    _rule(r"suspended|with straps|\brings?\b", "Suspension Trainer"),
    _rule(r"\bplate\b|otis-up|svend press", "Weight Plate"),
    _rule(
        r"atlas stone|keg load|log lift|yoke|tire flip|conan|circus bell|rickshaw|sandbag"
        r"|car deadlift|axle",
        "Strongman Implement",
    ),
    # Muscle-ups are done on a bar here; ring muscle-ups would say "ring".
    _rule(
        r"pull-?ups?\b|pull ups\b|chin-up|\bchins\b|mixed grip chin|gorilla chin"
        r"|hanging leg raise|hanging pike|muscle up|one handed hang|rocky pull",
        "Pull-up Bar",
    ),
    _rule(r"(?<!bench )(?<!jerk )(?<!ring )\bdips?\b(?! machine)|parallel bars?", "Dip Bars"),
    _rule(r"\bbench\b(?! sprint)|incline(?! push-up)|decline(?! push-up)|preacher", "Bench"),
    # "IT band" is the iliotibial band, not a resistance band.
    _rule(r"(?<!\bit )\bbands?\b", "Resistance Band"),
    _rule(r"kettlebell", "Kettlebell"),
    _rule(r"dumbbell|\bdb\b", "Dumbbell"),
    _rule(r"barbell", "Barbell"),
    _rule(r"cable|pulley", "Cable Machine"),
)

# When the first item is linked, the ones after it are not needed as well: applied in this order,
# so a Smith machine exercise keeps its bench (Smith removes Machine before Machine removes Bench).
SUPERSEDES = (
    ("Smith Machine", {"Machine", "Barbell"}),
    ("Cardio Machine", {"Machine"}),
    ("Trap Bar", {"Barbell"}),
    ("EZ Curl Bar", {"Barbell"}),
    # A barbell comes with its plates.
    ("Barbell", {"Weight Plate"}),
    # A machine has its own seat or pad.
    ("Machine", {"Bench"}),
)
# Placeholders that only stand when nothing more specific is linked.
FALLBACKS = (BODYWEIGHT, OTHER)


class InvalidRecord(ValueError):
    """A record that cannot be imported; the message says why."""


@dataclass(frozen=True)
class MappedExercise:
    name: str
    category: str
    primary_muscle_groups: tuple[str, ...]
    secondary_muscle_groups: tuple[str, ...]
    equipment: tuple[str, ...]


def record_label(record, position: int) -> str:
    """How reports name a record: its name, or its position and id when it has no name."""
    if isinstance(record, dict):
        name = record.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        if isinstance(record.get("id"), str) and record["id"]:
            return f"record {position} (id {record['id']})"
    return f"record {position}"


def record_category(record) -> str:
    if not isinstance(record, dict):
        raise InvalidRecord("is not a JSON object")
    category = record.get("category")
    if category not in CATEGORIES:
        raise InvalidRecord(f"unknown category {category!r}")
    return category


def exercise_from_record(record) -> MappedExercise:
    """Map one free-exercise-db record; raise InvalidRecord with the reason when it is unusable."""
    category = record_category(record)
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidRecord("has no name")
    primary = _muscles(record.get("primaryMuscles"), "primaryMuscles")
    if not primary:
        raise InvalidRecord("has no primary muscle")
    secondary = _muscles(record.get("secondaryMuscles", []), "secondaryMuscles")
    name = name.strip()
    if OBLIQUES_NAME.search(name):
        if primary == [MuscleGroup.ABS]:
            primary, secondary = [MuscleGroup.OBLIQUES], [MuscleGroup.ABS, *secondary]
        else:
            secondary.append(MuscleGroup.OBLIQUES)
    secondary = [muscle for muscle in dict.fromkeys(secondary) if muscle not in primary]
    return MappedExercise(
        name=name,
        category=category,
        primary_muscle_groups=tuple(str(muscle) for muscle in primary),
        secondary_muscle_groups=tuple(str(muscle) for muscle in secondary),
        equipment=equipment_for(name, record.get("equipment")),
    )


def equipment_for(name: str, dataset_equipment) -> tuple[str, ...]:
    """The equipment items an exercise needs, from the dataset's item and the exercise's name."""
    if not (dataset_equipment is None or isinstance(dataset_equipment, str)) or (
        dataset_equipment not in EQUIPMENT
    ):
        raise InvalidRecord(f"unknown equipment {dataset_equipment!r}")
    items = [EQUIPMENT[dataset_equipment]]
    items += [rule.equipment for rule in EQUIPMENT_RULES if rule.pattern.search(name)]
    items = list(dict.fromkeys(items))
    for specific, superseded in SUPERSEDES:
        if specific in items:
            items = [item for item in items if item not in superseded]
    specific_items = [item for item in items if item not in FALLBACKS]
    if specific_items:
        return tuple(specific_items)
    return (OTHER,) if OTHER in items else (BODYWEIGHT,)


def _muscles(values, field: str) -> list[MuscleGroup]:
    if not isinstance(values, list):
        raise InvalidRecord(f"{field} is not a list")
    muscles = []
    for value in values:
        if not isinstance(value, str) or value not in MUSCLES:
            raise InvalidRecord(f"unknown muscle {value!r} in {field}")
        muscles.append(MUSCLES[value])
    return list(dict.fromkeys(muscles))
