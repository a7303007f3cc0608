"""Model instances from rows of written-out SQL, for the few reads that every request or every
logged set makes, where building the ORM query cost more CPU than running it."""

from django.db import connection


def columns(model, alias: str) -> str:
    """The model's concrete columns, in field order, qualified by `alias`."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def model_from_row(model, values) -> object:
    """The instance the ORM would build from a row of `columns(model, ...)` (each field's
    conversion from the database applied)."""
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(model._meta.concrete_fields, values, strict=True)
    ]
    return model.from_db(connection.alias, None, converted)
