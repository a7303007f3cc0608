import factory

from allworkouts.users.models import User, UserEquipment

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"lifter{n}@example.com")
    password = factory.django.Password(TEST_PASSWORD)


class UserEquipmentFactory(factory.django.DjangoModelFactory):
    """Create inside `as_user(user)`: row-level security checks the row's owner."""

    class Meta:
        model = UserEquipment

    user = factory.SubFactory(UserFactory)
    equipment = factory.SubFactory("catalog.tests.factories.EquipmentFactory")
