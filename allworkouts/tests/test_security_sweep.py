"""Every URL that takes an id, found in the URLconf: another user's ids answer 404, and the
same URL finds the rows for their owner.

New URLs are covered without anyone remembering them: a URL whose id parameter is not in
OTHER_USERS_ROW below fails the sweep until someone says whose row that parameter names.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from allworkouts.rls import as_user
from catalog.tests.factories import ExerciseFactory
from plans.models import WorkoutPlan
from plans.tests.factories import WorkoutExerciseFactory
from sessions.tests.factories import ExerciseSessionFactory

# Third-party URL namespaces with their own access rules: the admin is staff-only, and
# allauth's key-bearing URLs take signed tokens, not row ids.
OUTSIDE_THE_SWEEP = ("admin/", "accounts/")


def other_users_rows(owner):
    """One row of each user-owned kind, all belonging to `owner`, keyed by URL parameter."""
    with as_user(owner):
        plan_slot = WorkoutExerciseFactory(workout_plan__user=owner)
        logged_set = ExerciseSessionFactory(
            workout_session__workout_plan=plan_slot.workout_plan,
            workout_exercise=plan_slot,
            exercise=plan_slot.exercise,
        )
    return {
        "plan_id": plan_slot.workout_plan_id,
        "workout_exercise_id": plan_slot.pk,
        "workout_id": logged_set.workout_session_id,
        "set_id": logged_set.pk,
    }


# Parameters naming global catalog rows: any logged-in user may name them, and the pages
# show only the visitor's own data for them (checked in their apps' tests).
GLOBAL_PARAMETERS = {"exercise_id"}


def patterns_with_ids(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(OUTSIDE_THE_SWEEP):
            continue
        if isinstance(entry, URLResolver):
            yield from patterns_with_ids(entry, route)
        elif isinstance(entry, URLPattern) and entry.pattern.converters:
            yield route, entry


def url_for(route: str, kwargs: dict | None = None) -> str:
    """A URL for a route, path converters filled from `kwargs` (default 1), regex groups with 1."""
    kwargs = kwargs or {}
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs.get(match.group(1), 1)), url)
    return "/" + url.replace("^", "").replace("$", "")


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, route)
        else:
            yield route, entry


def test_the_sweep_finds_the_id_bearing_urls():
    routes = [route for route, _ in patterns_with_ids()]
    assert "plans/<int:plan_id>/" in routes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "pattern"), list(patterns_with_ids()), ids=lambda value: str(value)
)
def test_another_users_ids_answer_404(client, user, other_user, route, pattern):
    parameters = set(pattern.pattern.converters)
    rows = other_users_rows(other_user)
    unknown = parameters - rows.keys() - GLOBAL_PARAMETERS
    assert not unknown, f"{route}: say whose row {unknown} names in other_users_rows()"
    if parameters <= GLOBAL_PARAMETERS:
        pytest.skip(f"{route} names only catalog rows")
    kwargs = {name: rows[name] if name in rows else ExerciseFactory().pk for name in parameters}
    url = url_for(route, kwargs)

    client.force_login(user)
    answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert set(answers.values()) <= {404, 405}, f"{url}: {answers}"
    assert 404 in answers.values(), f"{url}: {answers}"
    # The same URL finds the rows for their owner: the 404 above is the owner filter's doing,
    # not a URL that names nothing.
    if pattern.name == "plan_restore":
        # Restoring finds only a deleted plan.
        with as_user(other_user):
            WorkoutPlan.all_objects.filter(pk=rows["plan_id"]).update(deleted_at=timezone.now())
    client.force_login(other_user)
    owners = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert 404 not in owners.values(), f"{url} as its owner: {owners}"


ANONYMOUS_ALLOWED = ("healthz", "accounts/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [route for route, _ in all_patterns() if not route.startswith("admin/")]
)
def test_every_page_but_the_auth_pages_and_healthz_sends_anonymous_users_to_log_in(client, route):
    url = url_for(route)
    response = client.get(url)
    if route.startswith(ANONYMOUS_ALLOWED):
        # allauth decides which of its pages need a session; none may fail.
        assert response.status_code < 500, url
    else:
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern"), list(all_patterns()), ids=lambda value: str(value))
def test_posts_without_a_csrf_token_are_refused(user, route, pattern):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = url_for(route)
    response = client.post(url, {"anything": "1"})
    assert response.status_code == 403, f"{url}: {response.status_code}"
