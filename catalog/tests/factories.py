import factory

from catalog.models import Equipment, Exercise, ExerciseEquipment


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    name = factory.Sequence(lambda n: f"Equipment {n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    """ExerciseFactory(equipment=[barbell, bench]) also links the exercise to that equipment."""

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Exercise {n}")
    primary_muscle_groups = factory.LazyFunction(lambda: ["chest"])

    @factory.post_generation
    def equipment(self, create, extracted, **kwargs):
        if create and extracted:
            ExerciseEquipment.objects.bulk_create(
                ExerciseEquipment(exercise=self, equipment=item) for item in extracted
            )
