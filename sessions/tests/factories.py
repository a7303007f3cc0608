import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from allworkouts.tests.factories import UserScopedFactory
from plans.tests.factories import WorkoutPlanFactory
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession


class WorkoutSessionFactory(UserScopedFactory):
    """A finished workout of a plan; its user and name are the plan's.

    Finished, because a user may have only one workout in progress: `in_progress=True` makes one.
    """

    class Meta:
        model = WorkoutSession

    workout_plan = factory.SubFactory(WorkoutPlanFactory)
    user = factory.SelfAttribute("workout_plan.user")
    name = factory.SelfAttribute("workout_plan.name")
    status = SessionStatus.COMPLETED
    finished_at = factory.LazyFunction(timezone.now)

    class Params:
        in_progress = factory.Trait(status=SessionStatus.IN_PROGRESS, finished_at=None)


class ExerciseSessionFactory(UserScopedFactory):
    """A logged set of a workout. Its user is the workout's."""

    class Meta:
        model = ExerciseSession

    workout_session = factory.SubFactory(WorkoutSessionFactory)
    user = factory.SelfAttribute("workout_session.user")
    exercise = factory.SubFactory("catalog.tests.factories.ExerciseFactory")
    set_number = factory.Sequence(lambda n: n + 1)
    reps = 8
    weight = Decimal("60")
    idempotency_key = factory.LazyFunction(uuid.uuid4)
