"""Import from text: paste, review, create, through real requests and the built-in parser.

The review page is submitted the way a browser would submit it: every field read back from the
rendered form (FormFields below), then changed as a user would change it.
"""

import json
import re
from html import unescape
from html.parser import HTMLParser

import httpx2
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.tests.markup import audit_page
from catalog.models import Exercise
from catalog.services import catalog_load
from catalog.tests.factories import ExerciseFactory
from plans import claude
from plans.importing import parse_for_review, review_row_to_json
from plans.models import WorkoutExercise, WorkoutImportLog, WorkoutPlan

HTMX = {"HTTP_HX_REQUEST": "true"}
IMPORT_URL = reverse("plan_import")
REVIEW_URL = reverse("plan_import_review")

# A plan as people write them: a title, a numbered list in several notations, a superset, a
# bullet, a multiplication sign, a made-up exercise the catalog cannot know, and a closing note.
PASTED = """Upper A (week 1)

1. Bench Press 3x8-12
2) 3 x 10 Lat Pulldown
- Squat: 5 sets of 5
A1. DB Curls - 3 sets, 10-12 reps, rest 1:00
A2. Rows 4\N{MULTIPLICATION SIGN}8 (90s rest)
Pull-ups 3 sets AMRAP
Zottman flarp 3x12
Face pulls 3x15
Raises 3x15

Notes: go heavy on the bench.
"""


@pytest.fixture(autouse=True)
def local_parser(settings):
    """No API key: the deterministic built-in parser reads the text."""
    settings.ANTHROPIC_API_KEY = ""


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def real_catalog(db):
    path = apps.get_app_config("catalog").path + "/data/catalog.json"
    with open(path, encoding="utf-8") as file:
        catalog_load(catalog=json.load(file))


@pytest.fixture
def small_catalog(db):
    return {
        "bench": ExerciseFactory(name="Bench Press", aliases=["BP"], default_reps=8),
        "squat": ExerciseFactory(name="Back Squat", aliases=["Squat"]),
        "curl": ExerciseFactory(name="Dumbbell Curl", aliases=["DB Curl"]),
        "fly": ExerciseFactory(name="Cable Fly", default_reps=15, default_rest_time_seconds=45),
    }


class FormFields(HTMLParser):
    """The fields a browser submits from the form posting to `action`: inputs with their values,
    ticked checkboxes, each select's selected option. Submit buttons are added by the caller."""

    def __init__(self, page: str, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") != "checkbox":
                self.fields[name] = attributes.get("value", "")
            elif "checked" in attributes:
                self.fields[name] = attributes.get("value", "on")
        elif tag == "select":
            self._select = name
            self.options[name] = []
            self.fields[name] = ""
        elif tag == "option" and self._select:
            self._option = attributes.get("value", "")
            if "selected" in attributes:
                self.fields[self._select] = self._option
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._option is not None and self._option:
            self.options[self._select].append((self._option, data.strip()))
            self._option = None
        elif self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # Like a browser, skip the newline that may follow <textarea>.
            value = self.fields[self._textarea]
            self.fields[self._textarea] = value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


def page(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return unescape(page(response))


def review_rows(response) -> list[dict]:
    """Per row of the review: what was written, its confidence, its options and fields."""
    form = FormFields(page(response), REVIEW_URL)
    written = re.findall(r'<span class="muted">Row \d+:</span> “([^”]*)”', text_of(response))
    classes = re.findall(
        r'<li id="import-row-\d+" class="import-row import-row--(\w+)', page(response)
    )
    return [
        {
            "written": name,
            "confidence": confidence,
            "options": dict((label, value) for value, label in form.options[f"rows-{i}-exercise"]),
            "selected": form.fields[f"rows-{i}-exercise"],
        }
        for i, (name, confidence) in enumerate(zip(written, classes, strict=True))
    ]


def row_index(rows, written: str) -> int:
    return next(i for i, row in enumerate(rows) if row["written"] == written)


def saved_plans(user) -> list[WorkoutPlan]:
    with as_user(user):
        return list(WorkoutPlan.all_objects.filter(user=user))


def test_import_end_to_end_with_the_built_in_parser(logged_in_client, user, real_catalog):
    start = logged_in_client.get(IMPORT_URL)
    assert start.status_code == 200
    audit_page(start)

    review = logged_in_client.post(IMPORT_URL, {"text": PASTED})

    assert review.status_code == 200
    audit_page(review)
    rows = review_rows(review)
    assert [row["written"] for row in rows] == [
        "Bench Press",
        "Lat Pulldown",
        "Squat",
        "DB Curls",
        "Rows",
        "Pull-ups",
        "Zottman flarp",
        "Face pulls",
        "Raises",
    ]
    parse = parse_for_review(text=PASTED)
    assert [row["confidence"] for row in rows] == [row.confidence for row in parse.rows]
    low = [i for i, row in enumerate(rows) if row["confidence"] == "low"]
    assert len(low) >= 2, "the misspelt and the ambiguous exercises are low-confidence matches"
    assert "Upper A (week 1)" in FormFields(page(review), REVIEW_URL).fields["name"]

    # Rows: search for another exercise; the row's best search result is picked at once.
    data = FormFields(page(review), REVIEW_URL).fields
    rows_at = row_index(rows, "Rows")
    data[f"rows-{rows_at}-search"] = "pendlay"
    searched = logged_in_client.post(REVIEW_URL, data | {"search_row": str(rows_at)})
    assert searched.status_code == 200
    searched_rows = review_rows(searched)
    pendlay = Exercise.objects.filter(name__icontains="pendlay").order_by("name").first()
    assert searched_rows[rows_at]["selected"] == str(pendlay.pk)
    assert re.search(r"\d+ match(es)? for “pendlay” in the list\.", text_of(searched))
    assert "Not in your text" in text_of(searched)

    # Lat Pulldown: pick one of the alternatives from the select instead.
    data = FormFields(page(searched), REVIEW_URL).fields
    pulldown_at = row_index(rows, "Lat Pulldown")
    close_grip = searched_rows[pulldown_at]["options"]["Close-Grip Lat Pulldown"]
    data[f"rows-{pulldown_at}-exercise"] = close_grip
    # Drop the nonsense row, change some numbers, and try to create without confirming.
    flarp_at = row_index(rows, "Zottman flarp")
    data[f"rows-{flarp_at}-DELETE"] = "on"
    data[f"rows-{row_index(rows, 'Squat')}-rest_time_seconds"] = "180"
    refused = logged_in_client.post(REVIEW_URL, data | {"action": "create"})

    assert refused.status_code == 200
    assert saved_plans(user) == []
    unconfirmed = [i for i in low if i != flarp_at]
    for i in unconfirmed:
        assert f'id="id_rows-{i}-confirmed_error"' in page(refused)
    assert f'id="id_rows-{flarp_at}-confirmed_error"' not in page(refused)
    kept = FormFields(page(refused), REVIEW_URL).fields
    assert kept[f"rows-{pulldown_at}-exercise"] == close_grip
    assert kept[f"rows-{rows_at}-exercise"] == str(pendlay.pk)
    assert kept[f"rows-{flarp_at}-DELETE"] == "on"
    assert kept[f"rows-{row_index(rows, 'Squat')}-rest_time_seconds"] == "180"

    for i in unconfirmed:
        kept[f"rows-{i}-confirmed"] = "on"
    created = logged_in_client.post(REVIEW_URL, kept | {"action": "create"})

    (plan,) = saved_plans(user)
    assert created.status_code == 302
    assert created["Location"] == reverse("plan_editor", args=[plan.pk])
    assert plan.name == "Upper A (week 1)"
    with as_user(user):
        exercises = list(
            WorkoutExercise.objects.filter(workout_plan=plan)
            .select_related("exercise")
            .order_by("sequence")
        )
        log = WorkoutImportLog.objects.get(workout_plan=plan)
    by_row = {row.name_as_written: row for row in parse.rows}
    expected_names = [
        by_row["Bench Press"].exercise_name,
        "Close-Grip Lat Pulldown",
        by_row["Squat"].exercise_name,
        by_row["DB Curls"].exercise_name,
        pendlay.name,
        by_row["Pull-ups"].exercise_name,
        by_row["Face pulls"].exercise_name,
        by_row["Raises"].exercise_name,
    ]
    assert [e.exercise.name for e in exercises] == expected_names
    assert [e.sequence for e in exercises] == list(range(1, 9))
    kept_rows = [row for row in parse.rows if row.name_as_written != "Zottman flarp"]
    assert [e.confidence_level for e in exercises] == [row.confidence for row in kept_rows]
    squat = exercises[2]
    assert (squat.sets, squat.reps_min, squat.reps_max, squat.rest_time_seconds) == (5, 5, 5, 180)
    curls = exercises[3]
    assert (curls.sets, curls.reps_min, curls.reps_max, curls.rest_time_seconds) == (3, 10, 12, 60)
    pullups = exercises[5]
    assert pullups.reps_min == pullups.reps_max == pullups.exercise.default_reps
    assert "AMRAP" in pullups.notes
    assert log.raw_text == PASTED
    assert log.parsed_exercises == [review_row_to_json(row) for row in parse.rows]
    assert log.confidence_scores == [
        {"name_as_written": row.name_as_written, "confidence": row.confidence, "score": row.score}
        for row in parse.rows
    ]

    editor = logged_in_client.get(created["Location"])
    assert "Created “Upper A (week 1)” from your text." in text_of(editor)


def review_of(client, text: str, **extra):
    response = client.post(IMPORT_URL, {"text": text}, **extra)
    return response, FormFields(page(response), REVIEW_URL).fields


def test_missing_numbers_come_from_the_exercise_and_are_flagged(logged_in_client, small_catalog):
    response, fields = review_of(logged_in_client, "Cable fly 4 sets\nBench press 3x5, rest 2 min")

    assert [fields[f"rows-0-{name}"] for name in ("sets", "reps_min", "reps_max")] == [
        "4",
        "15",
        "15",
    ]
    assert fields["rows-0-rest_time_seconds"] == "45"
    assert "Not in your text, so filled in: min reps, max reps, rest. Check them." in text_of(
        response
    )
    assert fields["rows-1-rest_time_seconds"] == "120"
    assert fields["name"] == "Imported plan"


def test_a_row_search_that_finds_nothing_says_so_and_keeps_the_choice(
    logged_in_client, small_catalog
):
    _response, fields = review_of(logged_in_client, "Squat 5x5\nBench 3x5")
    fields["rows-0-search"] = "zeppelin"

    response = logged_in_client.post(REVIEW_URL, fields | {"search_row": "0"}, **HTMX)

    assert "No exercise matches “zeppelin”." in text_of(response)
    rows = review_rows(response)
    assert rows[0]["selected"] == str(small_catalog["squat"].pk)
    assert rows[1]["selected"] == str(small_catalog["bench"].pk)


@pytest.mark.parametrize(
    ("search_row", "search"),
    [("\N{SUPERSCRIPT TWO}", "squat"), ("-1", "squat"), ("7", "squat"), ("0", "\N{WEIGHT LIFTER}")],
)
def test_a_search_that_names_no_row_or_nothing_searchable_changes_no_choice(
    logged_in_client, small_catalog, search_row, search
):
    review, fields = review_of(logged_in_client, "Squat 5x5\nBench 3x5")
    fields["rows-0-search"] = search

    response = logged_in_client.post(REVIEW_URL, fields | {"search_row": search_row})

    assert response.status_code == 200
    assert [row["selected"] for row in review_rows(response)] == [
        row["selected"] for row in review_rows(review)
    ]


def test_an_unconfirmed_low_confidence_row_refuses_the_plan(logged_in_client, user, small_catalog):
    response, fields = review_of(logged_in_client, "Leg day\nSquat 5x5\nWobble board hops 3x10")
    rows = review_rows(response)
    assert [row["confidence"] for row in rows][1] == "low"
    fields["rows-1-exercise"] = str(small_catalog["fly"].pk)

    for htmx in (False, True):
        refused = logged_in_client.post(
            REVIEW_URL, fields | {"action": "create"}, **(HTMX if htmx else {})
        )

        assert refused.status_code == 200
        assert (
            "A low-confidence match: tick to confirm it, choose another, or drop this row."
            in text_of(refused)
        )
        assert 'class="import-row import-row--low"' in page(refused)
        assert re.search(
            r'Not created yet: fix\s*<a href="#import-row-2">row 2</a>\s*first', page(refused)
        )
        assert FormFields(page(refused), REVIEW_URL).fields["rows-1-exercise"] == str(
            small_catalog["fly"].pk
        )
        assert ("<html" in page(refused)) is not htmx
    assert saved_plans(user) == []


def test_a_row_without_an_exercise_must_get_one_or_be_dropped(
    logged_in_client, user, small_catalog
):
    _response, fields = review_of(logged_in_client, "Squat 5x5\nQqqq zzzz 3x10")
    fields["rows-1-exercise"] = ""
    fields["rows-1-confirmed"] = "on"

    refused = logged_in_client.post(REVIEW_URL, fields | {"action": "create"})

    assert "Choose an exercise, or drop this row." in text_of(refused)
    assert saved_plans(user) == []

    fields["rows-1-DELETE"] = "on"
    created = logged_in_client.post(REVIEW_URL, fields | {"action": "create"})

    assert created.status_code == 302
    (plan,) = saved_plans(user)
    with as_user(user):
        assert WorkoutExercise.objects.filter(workout_plan=plan).count() == 1


def test_dropping_every_row_is_refused(logged_in_client, user, small_catalog):
    _response, fields = review_of(logged_in_client, "Squat 5x5")
    fields["rows-0-DELETE"] = "on"

    refused = logged_in_client.post(REVIEW_URL, fields | {"action": "create"})

    assert "Keep at least one exercise to create a plan." in text_of(refused)
    assert saved_plans(user) == []


def test_bad_numbers_and_name_are_refused_next_to_their_fields(
    logged_in_client, user, small_catalog
):
    _response, fields = review_of(logged_in_client, "Squat 5x5")
    fields |= {"name": "", "rows-0-reps_min": "9", "rows-0-reps_max": "6"}

    refused = logged_in_client.post(REVIEW_URL, fields | {"action": "create"})

    assert refused.status_code == 200
    assert re.search(
        r'<input type="number" name="rows-0-reps_max" value="6"[^>]*>\s*'
        r'<ul class="errorlist" id="id_rows-0-reps_max_error">'
        r"<li>Max reps must be at least the min reps.</li></ul>",
        page(refused),
    )
    assert 'id="id_name_error"><li>Give the plan a name.</li>' in page(refused)
    assert saved_plans(user) == []


def test_an_exercise_retired_before_create_writes_nothing_and_says_so(
    logged_in_client, user, small_catalog
):
    _response, fields = review_of(logged_in_client, "Squat 5x5\nBench press 3x5")
    squat = small_catalog["squat"]
    squat.retired_at = timezone.now()
    squat.save()

    refused = logged_in_client.post(REVIEW_URL, fields | {"action": "create"})

    assert refused.status_code == 200
    assert "That exercise is not offered any more: choose another." in text_of(refused)
    assert saved_plans(user) == []
    with as_user(user):
        assert not WorkoutImportLog.objects.exists()


def test_a_tampered_parse_is_not_trusted_and_the_text_is_kept(
    logged_in_client, user, small_catalog
):
    _response, fields = review_of(logged_in_client, "Squat 5x5")

    for tampered in (
        fields | {"parse": fields["parse"][:-3] + "abc"},
        fields | {"raw_text": "Squat 5x5\nBench press 3x5"},
    ):
        response = logged_in_client.post(REVIEW_URL, tampered | {"action": "create"})

        assert response.status_code == 200
        assert "This review could not be read back" in text_of(response)
        textarea = FormFields(page(response), IMPORT_URL).fields["text"]
        assert textarea == tampered["raw_text"]
    assert saved_plans(user) == []


def test_a_review_signed_for_another_user_is_not_trusted(client, user, other_user, small_catalog):
    client.force_login(other_user)
    _response, fields = review_of(client, "Squat 5x5")
    client.force_login(user)

    response = client.post(REVIEW_URL, fields | {"action": "create"})

    assert "This review could not be read back" in text_of(response)
    assert saved_plans(user) == []
    assert saved_plans(other_user) == []


def test_text_over_20000_characters_is_refused_and_kept(logged_in_client, small_catalog):
    line = "Squat 5x5\n"
    too_long = line * 2000 + "x"

    for htmx in (False, True):
        response = logged_in_client.post(IMPORT_URL, {"text": too_long}, **(HTMX if htmx else {}))

        assert response.status_code == 200
        assert "The text is too long: 20,001 characters, at most 20,000." in text_of(response)
        assert FormFields(page(response), IMPORT_URL).fields["text"] == too_long
    longest = "Squat 5x5\nNotes: " + "keep the bar path straight " * 740
    longest += "x" * (20_000 - len(longest))
    accepted = logged_in_client.post(IMPORT_URL, {"text": longest})
    assert 'name="rows-TOTAL_FORMS" value="1"' in page(accepted)


def test_a_text_with_no_exercises_is_kept_with_an_explanation(logged_in_client, small_catalog):
    text = "Week 1\nRemember to warm up properly and drink water."

    response = logged_in_client.post(IMPORT_URL, {"text": text})

    assert "No exercises found." in text_of(response)
    assert FormFields(page(response), IMPORT_URL).fields["text"] == text


def test_edit_the_text_goes_back_to_the_pasted_text(logged_in_client, small_catalog):
    _response, fields = review_of(logged_in_client, "Squat 5x5\r\nBench 3x5")

    response = logged_in_client.post(REVIEW_URL, fields | {"action": "edit"}, **HTMX)

    assert re.match(r'\s*<section id="plan-import"', page(response))
    assert FormFields(page(response), IMPORT_URL).fields["text"] == "Squat 5x5\nBench 3x5"


def test_enter_in_a_field_refreshes_the_review_and_creates_nothing(
    logged_in_client, user, small_catalog
):
    review, fields = review_of(logged_in_client, "Squat 5x5\nWobble board hops 3x10")
    first_button = re.search(r"<button[^>]*>", page(review).split(f'action="{REVIEW_URL}"')[1])
    assert 'value="refresh"' in first_button.group(0)

    response = logged_in_client.post(REVIEW_URL, fields | {"action": "refresh"})

    assert saved_plans(user) == []
    assert "tick to confirm it" not in text_of(response)
    assert review_rows(response) == review_rows(review)


def test_htmx_parse_and_create_swap_in_place_then_redirect(logged_in_client, user, small_catalog):
    review, fields = review_of(logged_in_client, "Squat 5x5", **HTMX)

    assert re.match(r'\s*<section id="plan-import"', page(review))
    assert "<html" not in page(review)
    assert "HX-Request" in review["Vary"]

    created = logged_in_client.post(REVIEW_URL, fields | {"action": "create"}, **HTMX)

    (plan,) = saved_plans(user)
    assert created["HX-Redirect"] == reverse("plan_editor", args=[plan.pk])


def test_the_notice_says_when_the_built_in_parser_stood_in_for_claude(
    logged_in_client, settings, monkeypatch, small_catalog
):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    failing = httpx2.Client(
        transport=httpx2.MockTransport(
            lambda request: httpx2.Response(
                500, json={"type": "error", "error": {"type": "api_error", "message": "down"}}
            )
        )
    )
    send = claude.parse_plan_with_claude
    monkeypatch.setattr(
        claude, "parse_plan_with_claude", lambda *, text: send(text=text, http_client=failing)
    )

    response, fields = review_of(logged_in_client, "Squat 5x5")

    assert re.search(r'<p class="plan-warning">Claude couldn.t parse this \(', text_of(response))
    assert "Read by the built-in parser." in text_of(response)
    assert fields["rows-0-exercise"] == str(small_catalog["squat"].pk)


def test_the_import_pages_need_a_login(client):
    assert client.get(IMPORT_URL).status_code == 302
    assert client.post(REVIEW_URL, {}).status_code == 302
