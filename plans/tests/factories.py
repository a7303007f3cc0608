import factory

from allworkouts.tests.factories import UserScopedFactory
from allworkouts.users.tests.factories import UserFactory
from plans.models import WorkoutExercise, WorkoutImportLog, WorkoutPlan


class WorkoutPlanFactory(UserScopedFactory):
    class Meta:
        model = WorkoutPlan

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")


class WorkoutExerciseFactory(UserScopedFactory):
    """A plan slot. Pass `workout_plan` (or `workout_plan__user`): the user is the plan's."""

    class Meta:
        model = WorkoutExercise

    workout_plan = factory.SubFactory(WorkoutPlanFactory)
    user = factory.SelfAttribute("workout_plan.user")
    exercise = factory.SubFactory("catalog.tests.factories.ExerciseFactory")
    sequence = factory.Sequence(lambda n: n + 1)
    sets = 3
    reps_min = 8
    reps_max = 12
    rest_time_seconds = 90


class WorkoutImportLogFactory(UserScopedFactory):
    class Meta:
        model = WorkoutImportLog

    user = factory.SubFactory(UserFactory)
    raw_text = "Bench press 3x8-12\nBarbell row 3x8-12"
    parsed_exercises = factory.LazyFunction(
        lambda: [
            {"name": "Bench press", "sets": 3, "reps_min": 8, "reps_max": 12},
            {"name": "Barbell row", "sets": 3, "reps_min": 8, "reps_max": 12},
        ]
    )
    confidence_scores = factory.LazyFunction(lambda: [0.97, 0.91])
    workout_plan = factory.SubFactory(WorkoutPlanFactory, user=factory.SelfAttribute("..user"))
