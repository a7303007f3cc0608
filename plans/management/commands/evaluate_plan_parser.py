"""Measure the local plan parser and matcher against hand-labelled plans (a JSONL file)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.evaluation import evaluate, format_report, read_jsonl
from plans.matching import CatalogMatcher


class Command(BaseCommand):
    help = (
        "Evaluate the plan-text parser and catalog matcher on a JSONL file of plans with their "
        "expected exercises, against a free-exercise-db catalog file. Touches no database."
    )
    # Offline by design: skipping the system checks keeps even those away from the database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("jsonl_file", type=Path, help="Plans with expected exercises.")
        parser.add_argument(
            "--catalog", type=Path, required=True, help="A free-exercise-db JSON file."
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args, **options):
        try:
            matcher = CatalogMatcher.from_free_exercise_db(options["catalog"])
            counts = evaluate(read_jsonl(options["jsonl_file"]), matcher)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Cannot read the input: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(format_report(counts))
