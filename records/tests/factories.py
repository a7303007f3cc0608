import factory

from allworkouts.tests.factories import UserScopedFactory
from records.models import PersonalRecord, RecordType
from sessions.tests.factories import ExerciseSessionFactory


class PersonalRecordFactory(UserScopedFactory):
    """A best set. Its user, exercise and date are those of the set that achieved it."""

    class Meta:
        model = PersonalRecord

    exercise_session = factory.SubFactory(ExerciseSessionFactory)
    user = factory.SelfAttribute("exercise_session.user")
    exercise = factory.SelfAttribute("exercise_session.exercise")
    record_type = RecordType.SET_VOLUME
    value = factory.LazyAttribute(
        lambda record: record.exercise_session.weight * record.exercise_session.reps
    )
    achieved_at = factory.SelfAttribute("exercise_session.created_at")
