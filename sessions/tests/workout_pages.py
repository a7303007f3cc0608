"""Driving the workout page through the test client as a browser would: read a row's form from
the page, send it back (with htmx's header or as a plain form), find rows in the answer."""

import re
import uuid
from html.parser import HTMLParser

from django.urls import reverse

from allworkouts.rls import as_user
from sessions.models import ExerciseSession, WorkoutSession

HTMX = {"HTTP_HX_REQUEST": "true"}


def headers(htmx: bool) -> dict:
    return HTMX if htmx else {}


class _Forms(HTMLParser):
    """Every <form> with the id of the element (with an id) it sits in, and its fields."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.open_ids: list[tuple[str, str | None]] = []
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("li", "section", "div"):
            self.open_ids.append((tag, attributes.get("id")))
        if tag == "form":
            inside = [element_id for _tag, element_id in self.open_ids if element_id]
            self.current = {
                "inside": inside,
                "action": attributes.get("action"),
                "fields": {},
                "buttons": [],
            }
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None:
            self.current["fields"][attributes["name"]] = attributes.get("value", "")
        elif tag == "button" and self.current is not None:
            self.current["buttons"].append(attributes.get("aria-label", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag in ("li", "section", "div") and self.open_ids:
            self.open_ids.pop()


def forms_in(html: str, element_id: str) -> list[dict]:
    return [form for form in _Forms(html).forms if element_id in form["inside"]]


def row_id(slot, number: int) -> str:
    return f"workout-set-{slot.pk}-{number}"


def log_form(html: str, slot, number: int) -> dict:
    """The fields of a pending row's log form, as rendered (prefilled, with its key)."""
    action = reverse("workout_set_log", args=[_workout_id(html), slot.pk])
    (form,) = [f for f in forms_in(html, row_id(slot, number)) if f["action"] == action]
    return dict(form["fields"])


def edit_form(html: str, slot, number: int) -> tuple[str, dict]:
    """The action and fields of a logged row's edit form, open in `html`."""
    (form,) = [
        f
        for f in forms_in(html, row_id(slot, number))
        if "/sets/" in f["action"] and "version" in f["fields"]
    ]
    return form["action"], dict(form["fields"])


def open_edit(client, html: str, slot, number: int, *, htmx=True) -> tuple[str, dict]:
    """Tap a logged row's Edit link in `html` (as htmx does, or following the plain link) and
    read the form it opens."""
    link = re.search(
        r'<a class="set-edit-open" href="([^"#]*)#[^"]*" hx-get="([^"]+)"',
        row_html(html, slot, number),
    )
    assert link, f"no Edit link in row {row_id(slot, number)}"
    plain, htmx_url = link.groups()
    assert plain == htmx_url
    opened = client.get(htmx_url, **headers(htmx))
    assert opened.status_code == 200
    return edit_form(opened.content.decode(), slot, number)


def row_html(html: str, slot, number: int) -> str:
    match = re.search(rf'<li id="{row_id(slot, number)}".*?</li>', html, re.S)
    assert match, f"no row {row_id(slot, number)}"
    return match.group(0)


def text(html: str) -> str:
    """The visible text, whitespace collapsed, the multiplication sign as an x ("80 kg x 8")."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\N{MULTIPLICATION SIGN}", "x").split())


def _workout_id(html: str) -> int:
    return int(re.search(r'action="/workouts/(\d+)/', html).group(1))


def start(client, plan) -> WorkoutSession:
    response = client.post(reverse("workout_start", args=[plan.pk]))
    assert response.status_code == 302, response.content
    workout_id = int(re.search(r"/workouts/(\d+)/", response["Location"]).group(1))
    with as_user(plan.user):
        return WorkoutSession.all_objects.get(pk=workout_id)


def page(client, workout) -> str:
    response = client.get(reverse("workout", args=[workout.pk]))
    assert response.status_code == 200
    return response.content.decode()


def log(client, workout, slot, number: int, *, htmx=True, **typed):
    """Tap the row's Log button, after typing `typed` (reps, weight) over its prefill."""
    data = log_form(page(client, workout), slot, number) | {k: str(v) for k, v in typed.items()}
    return client.post(
        reverse("workout_set_log", args=[workout.pk, slot.pk]), data, **headers(htmx)
    )


def log_data(slot, number: int, *, reps=8, weight="60", exercise=None, key=None) -> dict:
    """A log form's fields made directly (for tests about the server, not the page)."""
    return {
        "reps": str(reps),
        "weight": str(weight),
        "set_number": str(number),
        "exercise": str(exercise or slot.exercise_id),
        "idempotency_key": str(key or uuid.uuid4()),
    }


def sets_of(user, workout) -> list[ExerciseSession]:
    with as_user(user):
        return list(
            ExerciseSession.objects.filter(workout_session=workout)
            .select_related("exercise")
            .order_by("workout_exercise__sequence", "set_number")
        )
