"""Junk into every form: a clear error, a 200 or a 4xx, never a 500, and nothing half-saved.

The forms are found, not listed, so that new pages are covered without anyone remembering
them: a lifter with a row of every kind logs in, and forms_crawler walks the pages from / (and
from every URL of the URLconf that the lifter's own ids fill) the way a visitor would. Forms that
only appear in the answer to another form (the import review, behind the pasted text) are found
by submitting each form once as a lifter would fill it in. A logged-out visitor's forms (log in,
sign up, reset a password) are found the same way.

Then each form gets junk: huge and negative numbers, NaN and infinity spelled out, 10,000
characters, odd unicode, NUL, fields missing or sent twice; with and without HX-Request. First
the sharpest junk in every field (sharp_submissions), then hypothesis's own mixes: a few fields
junk and the rest as shown, the page-filled (hidden) fields intact half the time so that the
validation is reached and not only the version checks. The CSRF token is always sent intact.
Each submission runs in a savepoint that is rolled back, so every one meets the same data.
"""

import copy
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from allworkouts.rls import as_user
from allworkouts.tests.forms_crawler import Crawl, Form, crawl, read_page
from allworkouts.users.tests.factories import UserEquipmentFactory
from catalog.tests.factories import EquipmentFactory, ExerciseFactory
from plans.tests.factories import (
    WorkoutExerciseFactory,
    WorkoutImportLogFactory,
    WorkoutPlanFactory,
)
from records.models import RecordType
from records.tests.factories import PersonalRecordFactory
from sessions.models import SessionStatus
from sessions.tests.factories import ExerciseSessionFactory, WorkoutSessionFactory

EXAMPLES_PER_FORM = 25
PROJECT_ROOT = f"{Path(__file__).resolve().parents[2]}/"
# Pages the crawl leaves alone: the staff-only admin, and logging out (which ends the crawl's
# session); static files are not pages.
NOT_CRAWLED = ("/admin/", "/accounts/logout/", "/static/")
# The URLconf's own pages seed the crawl; allauth's are reached only through our links.
NOT_SEEDED = ("admin/", "accounts/")
# How an answer says something was refused: Django's error list (field.errors, non_field_errors,
# and the class of the plan pages' own error lines), the aria-invalid Django puts on a field in
# error, an error-level message.
ERROR_MARKERS = ('class="errorlist', 'aria-invalid="true"', "message--error")
# What a lifter types into a form's empty boxes, to see what the form answers with.
SAMPLE_INPUT = {
    "textarea": "Push day\nBench Press 3x8-12\nSquat 5x5",
    "email": "fuzz.sample@example.com",
    "text": "Fuzz",
    "search": "bench",
}
# Kept in every submission: refusing a bad token is Django's job, checked by the security sweep,
# and a refused token would spend the examples before any form validation runs.
CSRF_FIELD = "csrfmiddlewaretoken"

TEN_THOUSAND = 10_000
JUNK = [
    "1e308",
    str(10**30),
    "-1",
    "-0",
    "-99999999999999999999",
    "32768",
    "2147483648",
    "9223372036854775808",
    "0.0000000001",
    "1e-999",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "1e999",
    "0x1A",
    "1_000",
    " 7 ",
    "x" * TEN_THOUSAND,
    "9" * TEN_THOUSAND,
    "\N{WEIGHT LIFTER}" * TEN_THOUSAND,
    "\N{RIGHT-TO-LEFT OVERRIDE}evil\N{POP DIRECTIONAL FORMATTING}",
    "\N{RIGHT-TO-LEFT MARK}5\N{RIGHT-TO-LEFT MARK}",
    "\N{ZERO WIDTH JOINER}",
    "5\N{ZERO WIDTH SPACE}",
    "\N{WOMAN}\N{ZERO WIDTH JOINER}\N{WOMAN}\N{ZERO WIDTH JOINER}\N{GIRL}",
    "e\N{COMBINING ACUTE ACCENT}\N{COMBINING ACUTE ACCENT}\N{COMBINING ACUTE ACCENT}",
    "\N{ARABIC-INDIC DIGIT ONE}\N{ARABIC-INDIC DIGIT TWO}",
    "\N{FULLWIDTH DIGIT ONE}\N{FULLWIDTH DIGIT TWO}",
    "\N{SUPERSCRIPT TWO}",
    "\N{VULGAR FRACTION ONE HALF}",
    "\x00",
    "5\x00",
    "\r\n",
    "",
    "   ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]
# Tried on every form every run (see sharp_submissions); [] sends nothing.
SHARP_TYPED = [
    ["\N{SUPERSCRIPT TWO}"],
    ["\x00"],
    ["NaN"],
    ["1e999"],
    ["-1"],
    ["9" * TEN_THOUSAND],
    [],
]
SHARP_FILLED = [["\N{SUPERSCRIPT TWO}"], []]
junk_values = st.one_of(
    st.sampled_from(JUNK),
    st.one_of(
        st.integers().map(str),
        st.floats().map(str),
        st.decimals(allow_nan=True).map(str),
        # Lone surrogates cannot travel in UTF-8, so no request can carry them.
        st.text(st.characters(codec="utf-8"), max_size=40),
    ),
)


# --------------------------------------------------------------------------------------------
# The lifter, and where the crawl starts


def lifter_with_every_kind_of_row(user) -> list[dict[str, int]]:
    """Owned equipment, a plan of two exercises with an equivalent to swap to, a deleted plan,
    an import log, a finished workout with records and one in progress with a logged set.

    Returns the ids that fill URL parameters, one consistent set per workout."""
    barbell = EquipmentFactory(name="Barbell")
    dumbbell = EquipmentFactory(name="Dumbbell")
    bench = ExerciseFactory(
        name="Bench Press", primary_muscle_groups=["chest"], equipment=[barbell]
    )
    ExerciseFactory(
        name="Dumbbell Bench Press", primary_muscle_groups=["chest"], equipment=[dumbbell]
    )
    squat = ExerciseFactory(name="Squat", primary_muscle_groups=["quads"], equipment=[barbell])
    with as_user(user):
        for equipment in (barbell, dumbbell):
            UserEquipmentFactory(user=user, equipment=equipment)
    plan = WorkoutPlanFactory(user=user, name="Push day")
    bench_slot = WorkoutExerciseFactory(workout_plan=plan, exercise=bench, sequence=1)
    WorkoutExerciseFactory(workout_plan=plan, exercise=squat, sequence=2)
    WorkoutPlanFactory(user=user, name="Old plan", deleted_at=timezone.now())
    WorkoutImportLogFactory(user=user, workout_plan=plan)
    ids = []
    for workout in (
        WorkoutSessionFactory(workout_plan=plan),
        WorkoutSessionFactory(workout_plan=plan, in_progress=True),
    ):
        logged = ExerciseSessionFactory(
            workout_session=workout, workout_exercise=bench_slot, exercise=bench, set_number=1
        )
        if workout.status != SessionStatus.IN_PROGRESS:
            PersonalRecordFactory(exercise_session=logged)
            PersonalRecordFactory(
                exercise_session=logged, record_type=RecordType.ONE_REP_MAX, value=Decimal(76)
            )
        ids.append(
            {
                "plan_id": plan.pk,
                "workout_id": workout.pk,
                "workout_exercise_id": bench_slot.pk,
                "set_id": logged.pk,
                "exercise_id": bench.pk,
            }
        )
    return ids


def url_patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(NOT_SEEDED):
            yield route, entry


def seed_urls(id_sets: list[dict[str, int]]) -> list[str]:
    """/, and every URL of the URLconf whose parameters the lifter's ids fill."""
    urls = ["/"]
    for route, pattern in url_patterns():
        parameters = set(pattern.pattern.converters)
        for ids in id_sets:
            if parameters <= ids.keys():
                url = "/" + re.sub(
                    r"<(?:\w+:)?(\w+)>", lambda match, ids=ids: str(ids[match[1]]), route
                )
                if url not in urls:
                    urls.append(url)
    return urls


# --------------------------------------------------------------------------------------------
# Which forms are the same form


def form_key(form: Form) -> tuple:
    """The URL pattern a form posts to and the names it sends, ids and indexes left out: the
    same form on another row, or with another row's values, is fuzzed once."""
    path = urlsplit(form.action).path
    try:
        route = resolve(path).route
    except Resolver404:
        route = path
    names = sorted(
        {re.sub(r"\d+", "N", name) for name in chain(form.fields, dict(form.submitters))}
    )
    return route, tuple(names)


def describe(form: Form) -> str:
    kind = "htmx form" if form.htmx else "form"
    return f"{form.action} ({kind} on {form.page}, sends {', '.join(form_key(form)[1])})"


# --------------------------------------------------------------------------------------------
# Rolled-back requests and what the database holds


@contextmanager
def undone(client):
    """Run the block in a savepoint that is rolled back; the client's cookies are put back
    too, as a session rotated by the block would not exist any more."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies


def watched_tables() -> list[str]:
    """Every table of an installed model but the web sessions (which a request may write)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.db_table != "django_session"
    }
    return sorted(tables)


def database_state(viewer) -> dict[str, str]:
    """Per table, the row count and a digest of every row `viewer` may see (row-level security
    hides other lifters' rows, and all of them from a visitor; the global tables are whole)."""
    tables = watched_tables()
    digests = ", ".join(
        f"(SELECT count(*) || ' rows, ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)),"
        f" '-') FROM {connection.ops.quote_name(table)} t)"
        for table in tables
    )
    with as_user(viewer), connection.cursor() as cursor:
        cursor.execute(f"SELECT {digests}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


# --------------------------------------------------------------------------------------------
# Sending a form


@dataclass(frozen=True)
class Submission:
    data: tuple[tuple[str, str], ...]
    htmx: bool

    def shown(self) -> str:
        def short(value: str) -> str:
            if len(value) > 40:
                return f"{value[:12]!r}… ({len(value):,} characters)"
            return repr(value)

        sent = ", ".join(f"{name}={short(value)}" for name, value in self.data)
        return f"{'htmx ' if self.htmx else ''}POST {{{sent}}}"


def post(client, form: Form, submission: Submission):
    headers = {}
    if submission.htmx:
        headers = {
            **form.htmx_headers,
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver{form.page}",
        }
    return client.post(
        form.action,
        urlencode(submission.data),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def sample_submission(form: Form) -> Submission:
    """The form as a lifter fills it in: what it shows, empty boxes typed into, the first
    named button pressed."""
    data = []
    for name, control in form.fields.items():
        values = control.untouched
        if control.kind in SAMPLE_INPUT and not "".join(values):
            values = [SAMPLE_INPUT[control.kind]]
        data += [(name, value) for value in values]
    return Submission(tuple(data + form.submitters[:1]), htmx=False)


def forms_behind_forms(client, forms: list[Form]) -> list[Form]:
    """Forms found only in the page a form answers with (each submission undone)."""
    found = []
    for form in forms:
        with undone(client):
            response = post(client, form, sample_submission(form))
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            found += read_page(form.action, response.content.decode()).forms
    return [form for form in found if form.method == "post"]


def _editable(form: Form) -> tuple[list[str], list[str]]:
    """The names a lifter types into, and those the page itself fills in (hidden fields and the
    buttons' values)."""
    visible, hidden = [], []
    for name, control in form.fields.items():
        if name != CSRF_FIELD:
            (hidden if control.hidden else visible).append(name)
    hidden += [name for name in dict(form.submitters) if name not in hidden]
    return visible, hidden


def submission(
    form: Form, changes: dict[str, list[str]], submitter: tuple[str, str] | None, htmx: bool
) -> Submission:
    """The form as shown, with `changes` (name: the values sent instead; [] sends none) and the
    submitter pressed."""
    data = []
    for name, control in form.fields.items():
        data += [(name, value) for value in changes.get(name, control.untouched)]
    if submitter is not None:
        name, value = submitter
        data += [(name, each) for each in changes.get(name, [value])]
    return Submission(tuple(data), htmx)


def sharp_submissions(form: Form) -> list[Submission]:
    """The junk most likely to break a form, tried on every form every time: each value in
    every typed-in field at once (a form checks all its fields), and each value in one
    page-filled field at a time (a view refuses the first broken one it reads)."""
    visible, hidden = _editable(form)
    first = form.submitters[0] if form.submitters else None
    sharp = []
    if visible:
        sharp += [
            submission(form, dict.fromkeys(visible, values), first, htmx=index % 2 == 1)
            for index, values in enumerate(SHARP_TYPED)
        ]
    for name in hidden:
        pressed = next((button for button in form.submitters if button[0] == name), first)
        sharp += [
            submission(form, {name: values}, pressed, htmx=index % 2 == 0)
            for index, values in enumerate(SHARP_FILLED)
        ]
    return sharp


field_junk = st.one_of(
    junk_values.map(lambda value: [value]),
    st.just([]),
    st.lists(junk_values, min_size=2, max_size=3),
)


@st.composite
def junk_submissions(draw, form: Form) -> Submission:
    """A few fields junk (or none: a refusal after a valid form is where half-saves hide), the
    others as shown or set to another value the page offers; the page-filled fields left intact
    half the time."""
    visible, hidden = _editable(form)
    candidates = visible if draw(st.booleans()) else visible + hidden
    junked = draw(st.sets(st.sampled_from(candidates))) if candidates else set()
    changes = {name: draw(field_junk) for name in candidates if name in junked}
    for name, control in form.fields.items():
        if name in changes or name == CSRF_FIELD or len(control.offered) < 2:
            continue
        if control.kind == "checkbox":
            changes[name] = draw(st.lists(st.sampled_from(control.offered), unique=True))
        elif control.kind in ("select", "radio"):
            changes[name] = [draw(st.sampled_from(control.offered))]
    submitter = draw(st.sampled_from(form.submitters)) if form.submitters else None
    return submission(form, changes, submitter, htmx=draw(st.booleans()))


class ServerError(AssertionError):
    """A form answered 5xx. Raised from the view's own exception, so that hypothesis tells two
    different failures of one form apart."""


class HalfSaved(AssertionError):
    pass


class UnexpectedStatus(AssertionError):
    pass


def raised_at(exception: BaseException) -> str:
    """Where in the project's own code an exception was raised (its innermost frame there)."""
    frames = [
        frame
        for frame in traceback.extract_tb(exception.__traceback__)
        if frame.filename.startswith(PROJECT_ROOT) and "/.venv/" not in frame.filename
    ]
    if not frames:
        return "outside the project's code"
    frame = frames[-1]
    return f"{frame.filename.removeprefix(PROJECT_ROOT)}:{frame.lineno} in {frame.name}"


def check(submission: Submission, response, before: dict[str, str], viewer) -> None:
    status = response.status_code
    where = f"{submission.shown()}\n    answered {status}"
    if status >= 500:
        failure = response.exc_info[1] if response.exc_info else None
        cause = f"{failure!r}, raised at {raised_at(failure)}" if failure else "no exception"
        raise ServerError(f"{where}: {cause}") from failure
    if not (status == 200 or 300 <= status < 500):
        raise UnexpectedStatus(where)
    content = response.content.decode(errors="replace")
    refused = status >= 400 or any(marker in content for marker in ERROR_MARKERS)
    if refused:
        after = database_state(viewer)
        changed = sorted(table for table in before if before[table] != after[table])
        if changed:
            raise HalfSaved(f"{where} with an error, yet changed {', '.join(changed)}")


def fuzz(client, form: Form, viewer, before: dict[str, str]) -> str | None:
    """Junk into one form; what failed (each distinct failure as hypothesis reduced it), or
    None."""

    def post_junk(submission):
        with undone(client):
            check(submission, post(client, form, submission), before, viewer)

    post_junk = given(submission=junk_submissions(form))(post_junk)
    for sharp in sharp_submissions(form):
        post_junk = example(submission=sharp)(post_junk)
    post_junk = settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )(post_junk)
    try:
        post_junk()
    except (AssertionError, ExceptionGroup) as failure:
        failures = failure.exceptions if isinstance(failure, ExceptionGroup) else [failure]
        return "\n".join(f"  {type(each).__name__}: {each}" for each in failures)
    return None


# --------------------------------------------------------------------------------------------
# The tests


@pytest.fixture
def fuzzing_settings(settings):
    # The built-in parser reads pasted plans: no request leaves the machine.
    settings.ANTHROPIC_API_KEY = ""
    # allauth's rate limits would answer most junk with 429 before any validation runs.
    settings.ACCOUNT_RATE_LIMITS = False


def discover(client, seeds: list[str]) -> tuple[Crawl, list[Form]]:
    """The crawl, and one form of each kind it found, behind other forms too."""
    found = crawl(client, seeds, skip_prefixes=NOT_CRAWLED)
    unique: dict[tuple, Form] = {}

    def keep(forms):
        for form in forms:
            if not urlsplit(form.action).path.startswith(NOT_CRAWLED):
                unique.setdefault(form_key(form), form)

    keep(found.forms)
    keep(forms_behind_forms(client, list(unique.values())))
    return found, list(unique.values())


def fuzz_every_form(client, viewer, seeds: list[str], expected_routes: set[str]) -> None:
    found, forms = discover(client, seeds)
    routes = {form_key(form)[0] for form in forms}
    # The crawl works at all: forms that every version of the app has are found.
    assert expected_routes <= routes, f"found {sorted(routes)} on {found.pages}"

    before = database_state(viewer)
    report = [f"GET {url} answered {status}" for url, status in found.broken]
    for form in forms:
        if failure := fuzz(client, form, viewer, before):
            report.append(f"{describe(form)}\n{failure}")
    assert not report, f"{len(report)} of {len(forms)} forms failed:\n\n" + "\n\n".join(report)


def fuzzing_client() -> Client:
    # CSRF is checked as in production; a server error comes back as the 500 a lifter gets.
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.mark.django_db
def test_junk_into_every_form_a_lifter_sees_answers_with_a_clear_error_and_saves_nothing(
    fuzzing_settings, user
):
    client = fuzzing_client()
    client.force_login(user)
    seeds = seed_urls(lifter_with_every_kind_of_row(user))
    fuzz_every_form(client, user, seeds, {"settings/units/", "settings/equipment/"})


@pytest.mark.django_db
def test_junk_into_every_form_a_visitor_sees_answers_with_a_clear_error_and_saves_nothing(
    fuzzing_settings, user
):
    """Logged out: the log-in, sign-up and password-reset forms. A lifter exists, whose row no
    junk may touch."""
    fuzz_every_form(fuzzing_client(), None, ["/"], {"accounts/login/", "accounts/signup/"})


# --------------------------------------------------------------------------------------------
# The crawler reads forms as a browser would

PAGE = """
<body hx-headers='{"X-CSRFToken": "token"}'>
  <a href="/next/">next</a> <a href="https://elsewhere.example/">away</a>
  <form method="post" action="/save/" id="slot-form">
    <input type="hidden" name="version" value="3">
    <input name="reps" type="number" value="8">
    <input type="checkbox" name="equipment" value="1" checked>
    <input type="checkbox" name="equipment" value="2">
    <input type="radio" name="unit" value="metric">
    <input type="radio" name="unit" value="imperial" checked>
    <input name="off" disabled value="x">
    <select name="muscle"><option value="">Any</option><option selected>chest</option></select>
    <textarea name="notes">
line one</textarea>
    <button type="submit" name="action" value="create">Create</button>
    <button type="submit" hx-post="/preview/" name="action" value="preview">Preview</button>
  </form>
  <button type="submit" form="slot-form" name="action" value="outside">Save</button>
  <input name="weight" form="slot-form" value="60">
  <form method="get" action="/search/"><select name="q"><option value="">-</option>
    <option value="a">A</option></select></form>
  <div hx-post="/skip/" hx-vals='{"set_number": 2}'>Skip</div>
</body>
"""


def test_the_crawler_reads_fields_buttons_and_htmx_posts_as_a_browser_sends_them():
    page = read_page("/page/", PAGE)
    posts = {form.action: form for form in page.forms if form.method == "post"}

    assert set(posts) == {"/save/", "/preview/", "/skip/"}
    save = posts["/save/"]
    assert save.untouched_data() == [
        ("version", "3"),
        ("reps", "8"),
        ("equipment", "1"),
        ("unit", "imperial"),
        ("muscle", "chest"),
        ("notes", "line one"),
        ("weight", "60"),
    ]
    assert save.fields["equipment"].offered == ["1", "2"]
    assert save.fields["muscle"].offered == ["", "chest"]
    assert [name for name, field in save.fields.items() if field.hidden] == ["version"]
    assert save.submitters == [("action", "create"), ("action", "outside")]
    assert save.htmx_headers == {"X-CSRFToken": "token"}
    assert posts["/preview/"].submitters == [("action", "preview")]
    assert "weight" in posts["/preview/"].fields
    assert posts["/skip/"].untouched_data() == [("set_number", "2")]
    assert "/next/" in page.links
