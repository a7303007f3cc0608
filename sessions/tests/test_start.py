"""Starting a workout: one in progress per lifter, from the plan list or the home page."""

import re

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users.tests.markup import audit_page
from plans.tests.factories import WorkoutExerciseFactory, WorkoutPlanFactory
from sessions.models import SessionStatus, WorkoutSession
from sessions.tests.factories import WorkoutSessionFactory
from sessions.tests.workout_pages import HTMX, start, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(user):
    plan = WorkoutPlanFactory(user=user, name="Upper A")
    WorkoutExerciseFactory(workout_plan=plan)
    return plan


def workouts(user) -> list[WorkoutSession]:
    with as_user(user):
        return list(WorkoutSession.all_objects.order_by("pk"))


def test_starting_names_the_workout_after_the_plan_as_it_is_now(logged_in_client, user, plan):
    workout = start(logged_in_client, plan)
    with as_user(user):
        plan.name = "Upper A (heavy)"
        plan.save()

    assert workouts(user) == [workout]
    assert (workout.name, workout.status, workout.workout_plan_id) == (
        "Upper A",
        SessionStatus.IN_PROGRESS,
        plan.pk,
    )
    page = logged_in_client.get(reverse("workout", args=[workout.pk]))
    assert "<h1>Upper A</h1>" in page.content.decode()


def test_starting_the_same_plan_again_resumes_it(logged_in_client, user, plan):
    first = start(logged_in_client, plan)

    response = logged_in_client.post(reverse("workout_start", args=[plan.pk]), follow=True)

    assert response.redirect_chain == [(reverse("workout", args=[first.pk]), 302)]
    assert "Resuming “Upper A”." in response.content.decode()
    assert workouts(user) == [first]


def test_starting_another_plan_while_one_is_in_progress_sends_to_it(logged_in_client, user, plan):
    first = start(logged_in_client, plan)
    other = WorkoutPlanFactory(user=user, name="Lower A")
    WorkoutExerciseFactory(workout_plan=other)

    response = logged_in_client.post(reverse("workout_start", args=[other.pk]), follow=True)

    assert response.redirect_chain == [(reverse("workout", args=[first.pk]), 302)]
    assert "“Upper A” is still in progress. Finish or abandon it" in response.content.decode()
    assert workouts(user) == [first]


def test_a_start_racing_another_tab_lands_on_the_winner(logged_in_client, user, plan, monkeypatch):
    other = WorkoutPlanFactory(user=user)
    winner = WorkoutSessionFactory(workout_plan=other, in_progress=True)
    first = QuerySet.first
    looked = []

    def not_yet_committed(queryset):
        # The other tab's workout is not visible yet when this one checks; its INSERT is.
        if queryset.model is WorkoutSession and not looked:
            looked.append(queryset)
            return None
        return first(queryset)

    monkeypatch.setattr(QuerySet, "first", not_yet_committed)

    response = logged_in_client.post(reverse("workout_start", args=[plan.pk]))

    assert looked
    assert response["Location"] == reverse("workout", args=[winner.pk])
    assert workouts(user) == [winner]


def test_a_finished_or_deleted_workout_does_not_block_a_new_one(logged_in_client, user, plan):
    WorkoutSessionFactory(workout_plan=plan, status=SessionStatus.ABANDONED)
    WorkoutSessionFactory(workout_plan=plan, in_progress=True, deleted_at=timezone.now())

    workout = start(logged_in_client, plan)

    assert workout.status == SessionStatus.IN_PROGRESS
    assert len(workouts(user)) == 3


def test_a_plan_without_exercises_cannot_be_started(logged_in_client, user):
    empty = WorkoutPlanFactory(user=user, name="Someday")

    response = logged_in_client.post(reverse("workout_start", args=[empty.pk]))

    assert response["Location"] == reverse("plan_editor", args=[empty.pk])
    assert workouts(user) == []


def test_a_deleted_plan_cannot_be_started(logged_in_client, user, plan):
    with as_user(user):
        plan.deleted_at = timezone.now()
        plan.save()

    assert logged_in_client.post(reverse("workout_start", args=[plan.pk])).status_code == 404
    assert workouts(user) == []


def test_an_htmx_start_is_a_client_redirect(logged_in_client, user, plan):
    response = logged_in_client.post(reverse("workout_start", args=[plan.pk]), **HTMX)

    (workout,) = workouts(user)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("workout", args=[workout.pk])


def test_home_offers_start_buttons_for_plans_with_exercises(logged_in_client, user, plan):
    WorkoutPlanFactory(user=user, name="Empty plan")

    response = logged_in_client.get(reverse("home"))

    html = response.content.decode()
    audit_page(response)
    assert re.search(
        rf'<form method="post" action="{reverse("workout_start", args=[plan.pk])}">', html
    )
    assert "Start Upper A" in text(html)
    assert "Empty plan" not in html
    assert "Resume workout" not in html


def test_home_offers_to_resume_the_workout_in_progress(logged_in_client, plan):
    workout = start(logged_in_client, plan)

    html = logged_in_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("workout", args=[workout.pk])}">Resume workout</a>' in html
    assert "“Upper A” is in progress" in text(html)
    assert "Start Upper A" not in text(html)


def test_home_without_plans_points_to_making_one(logged_in_client):
    html = logged_in_client.get(reverse("home")).content.decode()

    assert f'<a class="button" href="{reverse("plan_list")}">Make a plan</a>' in html
