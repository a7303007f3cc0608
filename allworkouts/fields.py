"""Model fields for PostgreSQL enum types and arrays of them.

The types themselves are created by migrations (CREATE TYPE ... AS ENUM); these fields only name
them. psycopg 3 has no loader for a type it was not told about, so an enum comes back as text
(fine) and an enum array as its text literal '{a,b}', which EnumArrayField parses.
"""

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models


class EnumField(models.TextField):
    """A column of a PostgreSQL enum type; values are the `choices`' str values."""

    def __init__(self, *args, enum_type: str, **kwargs):
        self.enum_type = enum_type
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["enum_type"] = self.enum_type
        return name, path, args, kwargs

    def db_type(self, connection):
        return self.enum_type

    def rel_db_type(self, connection):
        return self.enum_type


def parse_array_literal(literal: str) -> list[str]:
    """Parse a one-dimensional PostgreSQL array literal of strings, such as '{a,"b c"}'."""
    if not (literal.startswith("{") and literal.endswith("}")):
        raise ValueError(f"Not an array literal: {literal!r}")
    body = literal[1:-1]
    items: list[str] = []
    if not body:
        return items
    current: list[str] = []
    quoted = escaped = False
    for char in body:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


class EnumArrayField(ArrayField):
    """An array of a PostgreSQL enum type, loaded as list[str] and edited as checkboxes."""

    def __init__(self, *, enum_type: str, choices, **kwargs):
        kwargs.pop("base_field", None)
        self.enum_choices = list(choices)
        super().__init__(EnumField(enum_type=enum_type, choices=self.enum_choices), **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field")
        kwargs["enum_type"] = self.base_field.enum_type
        kwargs["choices"] = self.enum_choices
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str):
            return parse_array_literal(value)
        return value

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.enum_choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would build a comma-separated text input.
        return models.Field.formfield(self, **defaults)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if len(set(value)) != len(value):
            raise ValidationError("Each value may appear only once.", code="duplicate")
