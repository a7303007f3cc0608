from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from catalog.management.json_file import read_json_file
from catalog.services import InvalidCatalogFile, catalog_load


class Command(BaseCommand):
    help = (
        "Load the curated exercise catalog (equipment, exercises and their equipment links). "
        "Safe to run again: rows are matched by name and only changes are written; nothing is "
        "deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=Path(apps.get_app_config("catalog").path) / "data" / "catalog.json",
            help="The catalog JSON file (default: catalog/data/catalog.json).",
        )

    def handle(self, *args, path: Path, verbosity: int, **options):
        try:
            report = catalog_load(catalog=read_json_file(path))
        except InvalidCatalogFile as error:
            raise CommandError(f"{path}: {error}") from error
        for kind, record_kind, counts in (
            ("Equipment", "equipment", report.equipment),
            ("Exercises", "exercise", report.exercises),
        ):
            self.stdout.write(
                f"{kind}: {len(counts.created)} created, {len(counts.updated)} updated, "
                f"{len(counts.unchanged)} unchanged, {len(counts.skipped)} skipped."
            )
            if verbosity >= 2:
                for outcome in ("created", "updated"):
                    for name in getattr(counts, outcome):
                        self.stdout.write(f"  {outcome}: {name}")
            for name, reason in counts.skipped:
                self.stderr.write(f"  Skipped {record_kind} “{name}”: {reason}")
            if counts.not_in_file:
                listed = (
                    f": {', '.join(counts.not_in_file)}" if verbosity >= 2 else " (-v 2 lists them)"
                )
                self.stdout.write(
                    f"  {len(counts.not_in_file)} in the database but not in the file, "
                    f"left as they are{listed}."
                )
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
