import json
from pathlib import Path

from django.core.management.base import CommandError


def read_json_file(path: Path):
    """The parsed content of a JSON file; a CommandError saying what is wrong when unreadable."""
    try:
        with path.open(encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read ({error}).") from error
    except json.JSONDecodeError as error:
        raise CommandError(f"{path}: not valid JSON ({error}).") from error
