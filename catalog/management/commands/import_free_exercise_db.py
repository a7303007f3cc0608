from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog import free_exercise_db
from catalog.management.json_file import read_json_file
from catalog.services import (
    ALIAS,
    CREATED,
    EXCLUDED,
    KEPT,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    InvalidCatalogFile,
    catalog_import_free_exercise_db,
)

OUTCOME_LABELS = (
    (CREATED, "created"),
    (UPDATED, "updated"),
    (UNCHANGED, "unchanged"),
    (KEPT, "already in the catalog (kept; --update to update)"),
    (ALIAS, "alias of a catalog exercise"),
    (SKIPPED, "skipped"),
    (EXCLUDED, "not imported (category not selected)"),
)


def categories_argument(value: str) -> tuple[str, ...]:
    if value == "all":
        return free_exercise_db.CATEGORIES
    categories = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [category for category in categories if category not in free_exercise_db.CATEGORIES]
    if unknown or not categories:
        raise CommandError(
            f"Unknown categories: {', '.join(unknown) or '(none given)'}. Choose from: "
            f"{', '.join(free_exercise_db.CATEGORIES)}, or all."
        )
    return categories


class Command(BaseCommand):
    help = (
        "Import exercises from a file in the free-exercise-db JSON format, mapping its muscles "
        "and equipment onto ours. Exercises already in the catalog are left as they are unless "
        "--update is given. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The free-exercise-db JSON file.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update the muscles and equipment of exercises already in the catalog.",
        )
        parser.add_argument(
            "--categories",
            type=str,
            default=",".join(free_exercise_db.DEFAULT_CATEGORIES),
            help=(
                "Comma-separated dataset categories to import, or all (default: %(default)s). "
                "Stretching and cardio are left out by default: they are timed, not sets of "
                "reps and weight."
            ),
        )

    def handle(self, *args, path: Path, update: bool, categories: str, **options):
        selected = categories_argument(categories)
        try:
            report = catalog_import_free_exercise_db(
                records=read_json_file(path), categories=selected, update=update
            )
        except InvalidCatalogFile as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(f"Read {report.records} records.")
        for category in sorted({category for category, _ in report.outcomes}):
            counts = [
                f"{report.outcomes[category, outcome]} {label}"
                for outcome, label in OUTCOME_LABELS
                if report.outcomes[category, outcome]
            ]
            self.stdout.write(f"  {category}: {', '.join(counts)}")
        totals = [f"{report.count(outcome)} {label}" for outcome, label in OUTCOME_LABELS[:6]]
        self.stdout.write(f"Total: {', '.join(totals)}.")
        if report.equipment_created:
            self.stdout.write(f"Equipment created: {', '.join(report.equipment_created)}")
        for name, reason in report.skipped:
            self.stderr.write(f"  Skipped “{name}”: {reason}")
        if options["verbosity"] >= 2:
            for name, existing in report.alias_matches:
                self.stdout.write(f"  “{name}” is an alias of “{existing}”: left as it is.")
