"""Past workouts made directly in the database, for the history, read-back and export tests:
dated, with their sets logged (and records kept) as the set-logging view would."""

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from allworkouts.rls import as_user
from records.services import records_update_for_logged_set
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.tests.factories import WorkoutSessionFactory
from sessions.tests.workout_pages import text


def past_workout(
    plan,
    *,
    started: datetime,
    minutes: int = 60,
    status: str = SessionStatus.COMPLETED,
    name: str | None = None,
    sets=(),
    deleted: bool = False,
) -> WorkoutSession:
    """A workout of `plan` started at `started` and ended `minutes` later (unless in progress).

    `sets` are (slot, weight, reps) or (slot, weight, reps, exercise) for a swap, logged in that
    order a minute and a half apart, each numbered within its slot; their records are kept.
    """
    user = plan.user
    in_progress = status == SessionStatus.IN_PROGRESS
    workout = WorkoutSessionFactory(
        workout_plan=plan,
        name=name or plan.name,
        status=status,
        finished_at=None if in_progress else started + timedelta(minutes=minutes),
    )
    numbers: dict[int, int] = {}
    with as_user(user):
        # Deleted first: a deleted workout's sets never set records.
        WorkoutSession.objects.filter(pk=workout.pk).update(
            created_at=started, deleted_at=timezone.now() if deleted else None
        )
        for position, (slot, weight, reps, *swap) in enumerate(sets):
            numbers[slot.pk] = numbers.get(slot.pk, 0) + 1
            logged = ExerciseSession.objects.create(
                workout_session=workout,
                user=user,
                exercise=swap[0] if swap else slot.exercise,
                workout_exercise=slot,
                set_number=numbers[slot.pk],
                reps=reps,
                weight=Decimal(weight),
                rest_time_seconds=None if position == 0 else 90,
                idempotency_key=uuid.uuid4(),
            )
            logged_at = started + timedelta(seconds=90 * position)
            ExerciseSession.objects.filter(pk=logged.pk).update(created_at=logged_at)
            logged.created_at = logged_at
            records_update_for_logged_set(logged_set=logged)
        return WorkoutSession.all_objects.get(pk=workout.pk)


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def articles(html: str) -> list[str]:
    """The history rows of a page or fragment, in order, as their visible text."""
    return [text(match) for match in re.findall(r"<article .*?</article>", html, re.S)]


def article_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<article id="history-workout-(\d+)"', html)]


def load_more_url(html: str) -> str | None:
    match = re.search(r'<div id="history-more".*?hx-get="([^"]+)"', html, re.S)
    return match.group(1).replace("&amp;", "&") if match else None
