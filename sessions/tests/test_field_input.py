"""`{% field_input %}` writes the set fields' <input> tags without the widget templates: the
same tag as Django's own rendering, attribute for attribute, in every state a set form is
rendered in."""

import re
import uuid
from html.parser import HTMLParser

import pytest

from sessions.forms import HistoryFilterForm, SetEditForm, SetLogForm
from sessions.templatetags.workouts import field_input


class InputTag(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, sorted(attrs)))


def parsed(html: str) -> list:
    return InputTag(str(html)).tags


KEY = str(uuid.uuid4())
FORMS = {
    "prefilled": lambda: SetLogForm(
        initial={
            "reps": 8,
            "weight": "135.5",
            "set_number": 2,
            "exercise": 5,
            "idempotency_key": KEY,
        },
        unit_system="imperial",
        auto_id="workout-set-7-2-%s",
    ),
    "typed wrong": lambda: SetLogForm(
        {
            "reps": "x<\"'&",
            "weight": "-5",
            "set_number": "2",
            "exercise": "5",
            "idempotency_key": KEY,
        },
        unit_system="metric",
        auto_id="workout-set-7-2-%s",
    ),
    "empty": lambda: SetLogForm({}, unit_system="metric", auto_id="workout-set-7-3-%s"),
    "edit, no weight": lambda: SetEditForm(
        initial={"reps": 8, "weight": None, "version": 3}, unit_system="metric", auto_id="e-%s"
    ),
}


@pytest.mark.parametrize("state", FORMS)
def test_field_input_renders_what_the_widget_would(state):
    form = FORMS[state]()
    if form.is_bound:
        form.is_valid()
    for name in form.fields:
        ours = field_input(form[name])
        assert parsed(ours) == parsed(form[name].as_widget()), (state, name)
        assert re.fullmatch(r"<input [^<>]*>", ours), ours


def test_field_input_marks_a_wrong_field_and_points_at_its_message():
    form = FORMS["typed wrong"]()
    form.is_valid()

    (tag,) = parsed(field_input(form["reps"]))

    attrs = dict(tag[1])
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "workout-set-7-2-reps_error"
    # What was typed comes back, escaped.
    assert attrs["value"] == "x<\"'&"
    assert "x&lt;&quot;&#x27;&amp;" in field_input(form["reps"])


def test_a_field_it_does_not_write_renders_as_django_would():
    form = HistoryFilterForm({"status": "abandoned"})

    assert field_input(form["status"]) == form["status"].as_widget()
    assert field_input(form["status"]).startswith("<select")
