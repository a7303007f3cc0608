"""Print how the local parser reads one workout-plan text, each name matched to the catalog."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.evaluation import format_parse_table, parse_and_match
from plans.matching import CatalogEntry, CatalogMatcher


def database_matcher() -> CatalogMatcher:
    """A matcher over the active exercises of the database catalog, with their aliases."""
    from catalog.models import Exercise

    rows = Exercise.objects.filter(retired_at__isnull=True).values_list("name", "aliases")
    return CatalogMatcher(CatalogEntry(name, tuple(aliases or ())) for name, aliases in rows)


class Command(BaseCommand):
    help = (
        "Parse a workout plan written as text and match each exercise to the catalog "
        "(the database's, or a free-exercise-db JSON file given with --catalog)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A text file holding the plan.")
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")
        parser.add_argument(
            "--catalog",
            type=Path,
            help="Match against this free-exercise-db JSON file instead of the database.",
        )

    def handle(self, *args, **options):
        try:
            text = options["file"].read_text(encoding="utf-8")
            matcher = (
                CatalogMatcher.from_free_exercise_db(options["catalog"])
                if options["catalog"]
                else database_matcher()
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Cannot read the input: {error}") from error
        rows = parse_and_match(text, matcher)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(format_parse_table(rows))
