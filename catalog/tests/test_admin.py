import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from allworkouts.rls import as_user
from allworkouts.users.models import UserEquipment
from allworkouts.users.tests.factories import UserFactory
from catalog.models import Equipment, Exercise, ExerciseEquipment
from catalog.tests.factories import EquipmentFactory, ExerciseFactory
from plans.models import WorkoutExercise, WorkoutPlan

pytestmark = pytest.mark.django_db

EXERCISES_URL = reverse("admin:catalog_exercise_changelist")
EXERCISE_ADD_URL = reverse("admin:catalog_exercise_add")
EQUIPMENT_URL = reverse("admin:catalog_equipment_changelist")
EQUIPMENT_ADD_URL = reverse("admin:catalog_equipment_add")
INLINE = "exerciseequipment_set"


def change_url(row) -> str:
    return reverse(f"admin:catalog_{row._meta.model_name}_change", args=[row.pk])


def delete_url(row) -> str:
    return reverse(f"admin:catalog_{row._meta.model_name}_delete", args=[row.pk])


def listed(response) -> list[str]:
    return [row.name for row in response.context["cl"].result_list]


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def exercise_form(*, name, primary, secondary=(), links=(), existing_links=()) -> dict:
    """POST data of the exercise form: `links` are equipment to add, `existing_links` pairs of
    (ExerciseEquipment, delete?) already on the page."""
    data = {
        "name": name,
        "aliases": "OHP,Military Press",
        "primary_muscle_groups": list(primary),
        "secondary_muscle_groups": list(secondary),
        "default_weight": "20",
        "default_reps": "8",
        "default_rest_time_seconds": "120",
        f"{INLINE}-TOTAL_FORMS": str(len(existing_links) + len(links)),
        f"{INLINE}-INITIAL_FORMS": str(len(existing_links)),
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, (link, delete) in enumerate(existing_links):
        data[f"{INLINE}-{index}-id"] = str(link.pk)
        data[f"{INLINE}-{index}-equipment"] = str(link.equipment_id)
        if delete:
            data[f"{INLINE}-{index}-DELETE"] = "on"
    for index, equipment in enumerate(links, start=len(existing_links)):
        data[f"{INLINE}-{index}-equipment"] = str(equipment.pk)
    return data


def referenced_by_another_users_plan(exercise, owner):
    with as_user(owner):
        plan = WorkoutPlan.objects.create(user=owner, name="Push day")
        WorkoutExercise.objects.create(
            workout_plan=plan,
            user=owner,
            exercise=exercise,
            sequence=1,
            sets=3,
            reps_min=8,
            reps_max=12,
            rest_time_seconds=90,
        )


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def gym(db):
    return {name: EquipmentFactory(name=name) for name in ["Barbell", "Bench", "Dumbbell"]}


@pytest.fixture
def exercises(gym):
    from django.utils import timezone

    return {
        "Bench Press": ExerciseFactory(
            name="Bench Press",
            primary_muscle_groups=["chest"],
            secondary_muscle_groups=["triceps"],
            aliases=["BB Bench"],
            equipment=[gym["Barbell"], gym["Bench"]],
        ),
        "Overhead Press": ExerciseFactory(
            name="Overhead Press",
            primary_muscle_groups=["shoulders"],
            secondary_muscle_groups=["triceps", "chest"],
            aliases=["OHP"],
            equipment=[gym["Barbell"]],
        ),
        "Dumbbell Curl": ExerciseFactory(
            name="Dumbbell Curl",
            primary_muscle_groups=["biceps"],
            equipment=[gym["Dumbbell"]],
            retired_at=timezone.now(),
        ),
    }


def test_the_exercise_list_loads_and_searches_names_and_aliases(admin_client, exercises):
    assert listed(admin_client.get(EXERCISES_URL)) == [
        "Bench Press",
        "Dumbbell Curl",
        "Overhead Press",
    ]
    assert listed(admin_client.get(EXERCISES_URL, {"q": "ohp"})) == ["Overhead Press"]
    assert listed(admin_client.get(EXERCISES_URL, {"q": "curl"})) == ["Dumbbell Curl"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"primary_muscle": "chest"}, ["Bench Press"]),
        ({"muscle": "chest"}, ["Bench Press", "Overhead Press"]),
        ({"muscle": "triceps"}, ["Bench Press", "Overhead Press"]),
        ({"muscle": "neck"}, []),
        ({"status": "active"}, ["Bench Press", "Overhead Press"]),
        ({"status": "retired"}, ["Dumbbell Curl"]),
    ],
)
def test_each_exercise_filter_loads_and_filters(admin_client, exercises, query, expected):
    response = admin_client.get(EXERCISES_URL, query)

    assert response.status_code == 200
    assert listed(response) == expected


def test_the_equipment_filter_lists_the_exercises_that_need_it(admin_client, exercises, gym):
    response = admin_client.get(EXERCISES_URL, {"equipment__id__exact": gym["Bench"].pk})

    assert response.status_code == 200
    assert listed(response) == ["Bench Press"]


def test_the_add_form_offers_muscle_checkboxes_and_saves_the_exercise_with_its_equipment(
    admin_client, gym
):
    page = admin_client.get(EXERCISE_ADD_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="checkbox" name="primary_muscle_groups" value="upper_back"' in html
    assert 'type="checkbox" name="secondary_muscle_groups" value="chest"' in html
    assert f'name="{INLINE}-0-equipment"' in html

    response = admin_client.post(
        EXERCISE_ADD_URL,
        exercise_form(
            name="Push Press",
            primary=["shoulders"],
            secondary=["triceps", "quads"],
            links=[gym["Barbell"]],
        ),
    )

    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Push Press")
    assert exercise.primary_muscle_groups == ["shoulders"]
    assert exercise.secondary_muscle_groups == ["triceps", "quads"]
    assert exercise.aliases == ["OHP", "Military Press"]
    assert exercise.default_rest_time_seconds == 120
    assert list(exercise.equipment.all()) == [gym["Barbell"]]


def test_the_add_form_without_a_primary_muscle_is_shown_again_with_the_error(admin_client, gym):
    response = admin_client.post(
        EXERCISE_ADD_URL, exercise_form(name="Push Press", primary=[], links=[gym["Barbell"]])
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["primary_muscle_groups"]
    assert 'value="Push Press"' in response.content.decode()
    assert not Exercise.objects.filter(name="Push Press").exists()


def test_the_change_form_loads_and_saves_muscles_and_equipment_links(admin_client, exercises, gym):
    exercise = exercises["Bench Press"]
    barbell_link, bench_link = ExerciseEquipment.objects.filter(exercise=exercise).order_by(
        "equipment__name"
    )
    page = admin_client.get(change_url(exercise))
    assert page.status_code == 200
    assert 'name="primary_muscle_groups" value="chest" id="id_primary_muscle_groups_0" checked' in (
        page.content.decode()
    )

    response = admin_client.post(
        change_url(exercise),
        exercise_form(
            name="Dumbbell Bench Press",
            primary=["chest", "triceps"],
            existing_links=[(barbell_link, True), (bench_link, False)],
            links=[gym["Dumbbell"]],
        ),
    )

    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.name == "Dumbbell Bench Press"
    assert exercise.primary_muscle_groups == ["chest", "triceps"]
    assert exercise.secondary_muscle_groups == []
    assert set(exercise.equipment.values_list("name", flat=True)) == {"Bench", "Dumbbell"}


def test_the_equipment_admin_lists_searches_and_saves(admin_client, gym):
    assert listed(admin_client.get(EQUIPMENT_URL)) == ["Barbell", "Bench", "Dumbbell"]
    assert listed(admin_client.get(EQUIPMENT_URL, {"q": "bell"})) == ["Barbell", "Dumbbell"]
    assert admin_client.get(EQUIPMENT_ADD_URL).status_code == 200

    created = admin_client.post(
        EQUIPMENT_ADD_URL, {"name": "Sled", "description": "Push or drag.", "_save": "Save"}
    )
    changed = admin_client.post(
        change_url(gym["Bench"]),
        {"name": "Bench", "description": "Flat or adjustable.", "_save": "Save"},
    )

    assert (created.status_code, changed.status_code) == (302, 302)
    assert Equipment.objects.get(name="Sled").description == "Push or drag."
    assert Equipment.objects.get(name="Bench").description == "Flat or adjustable."


def test_deleting_an_unused_exercise_deletes_it_with_its_equipment_links(
    admin_client, exercises, gym
):
    exercise = exercises["Bench Press"]
    page = admin_client.get(delete_url(exercise))
    assert page.status_code == 200
    assert "Bench Press needs Barbell" in page.content.decode()

    response = admin_client.post(delete_url(exercise), {"post": "yes"})

    assert response.status_code == 302
    assert not Exercise.objects.filter(name="Bench Press").exists()
    assert not ExerciseEquipment.objects.filter(exercise_id=exercise.pk).exists()
    assert Equipment.objects.filter(name="Bench").exists()
    assert LogEntry.objects.filter(object_id=str(exercise.pk), action_flag=DELETION).exists()


def test_deleting_an_exercise_another_user_plans_with_is_refused_with_an_offer_to_retire_it(
    admin_client, superuser, other_user, exercises
):
    exercise = exercises["Bench Press"]
    referenced_by_another_users_plan(exercise, other_user)
    with as_user(superuser):
        assert not WorkoutExercise.objects.filter(exercise=exercise).exists()

    response = admin_client.post(delete_url(exercise), {"post": "yes"}, follow=True)

    assert response.redirect_chain == [(change_url(exercise), 302)]
    assert response.status_code == 200
    (message,) = page_messages(response)
    assert "“Bench Press” is in use" in message
    assert "Retire it instead" in message
    assert '<option value="retire">Retire (stop offering; history keeps it)</option>' in (
        response.content.decode()
    )
    assert Exercise.objects.filter(pk=exercise.pk).exists()
    assert ExerciseEquipment.objects.filter(exercise=exercise).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()

    retired = admin_client.post(
        change_url(exercise), {"CHANGE_FORM-action": "retire", "_selected_action": exercise.pk}
    )

    assert retired.status_code == 302
    exercise.refresh_from_db()
    assert exercise.retired_at is not None


def test_a_bulk_delete_including_an_exercise_in_use_deletes_nothing_and_names_it(
    admin_client, other_user, exercises
):
    in_use, unused = exercises["Bench Press"], exercises["Overhead Press"]
    referenced_by_another_users_plan(in_use, other_user)

    response = admin_client.post(
        EXERCISES_URL,
        {"action": "delete_selected", "post": "yes", "_selected_action": [in_use.pk, unused.pk]},
        follow=True,
    )

    assert response.status_code == 200
    (message,) = page_messages(response)
    assert message.startswith("Nothing was deleted: “Bench Press” is in use")
    assert Exercise.objects.filter(pk__in=[in_use.pk, unused.pk]).count() == 2
    assert ExerciseEquipment.objects.filter(exercise=unused).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_a_bulk_delete_of_unused_exercises_deletes_them(admin_client, exercises):
    chosen = [exercises["Bench Press"].pk, exercises["Overhead Press"].pk]

    confirmation = admin_client.post(
        EXERCISES_URL, {"action": "delete_selected", "_selected_action": chosen}
    )
    response = admin_client.post(
        EXERCISES_URL, {"action": "delete_selected", "post": "yes", "_selected_action": chosen}
    )

    assert confirmation.status_code == 200
    assert "Bench Press needs Bench" in confirmation.content.decode()
    assert response.status_code == 302
    assert list(Exercise.objects.values_list("name", flat=True)) == ["Dumbbell Curl"]


def test_the_retire_and_restore_actions_set_and_clear_retired_at(admin_client, exercises):
    chosen = [exercises["Bench Press"].pk, exercises["Dumbbell Curl"].pk]

    admin_client.post(EXERCISES_URL, {"action": "retire", "_selected_action": chosen})
    retired = set(Exercise.objects.filter(retired_at__isnull=False).values_list("name", flat=True))
    admin_client.post(EXERCISES_URL, {"action": "restore", "_selected_action": chosen})

    assert retired == {"Bench Press", "Dumbbell Curl"}
    assert not Exercise.objects.filter(retired_at__isnull=False).exists()


def test_deleting_equipment_another_user_owns_is_refused_with_an_offer_to_retire_it(
    admin_client, other_user
):
    kettlebell = EquipmentFactory(name="Kettlebell")
    with as_user(other_user):
        UserEquipment.objects.create(user=other_user, equipment=kettlebell)

    response = admin_client.post(delete_url(kettlebell), {"post": "yes"}, follow=True)

    assert response.redirect_chain == [(change_url(kettlebell), 302)]
    (message,) = page_messages(response)
    assert "“Kettlebell” is in use" in message
    assert "Retire it instead" in message
    assert Equipment.objects.filter(pk=kettlebell.pk).exists()


def test_equipment_exercises_need_is_shown_as_protected_with_an_offer_to_retire_it(
    admin_client, exercises, gym
):
    response = admin_client.get(delete_url(gym["Bench"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bench Press needs Bench" in html
    assert "Retire it instead" in html
    assert 'name="post"' not in html


def test_deleting_unused_equipment_works(admin_client):
    sled = EquipmentFactory(name="Sled")

    response = admin_client.post(delete_url(sled), {"post": "yes"})

    assert response.status_code == 302
    assert not Equipment.objects.filter(name="Sled").exists()


@pytest.mark.django_db(transaction=True)
def test_deletes_are_decided_before_the_request_commits_so_a_refusal_is_never_a_server_error(
    client, other_user
):
    """Foreign keys are checked at commit unless checked sooner: with real commits, an in-use
    exercise must come back as a message, not as an error when the request's transaction ends."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    in_use, unused = ExerciseFactory(name="Bench Press"), ExerciseFactory(name="Floor Press")
    referenced_by_another_users_plan(in_use, other_user)

    refused = client.post(delete_url(in_use), {"post": "yes"})
    deleted = client.post(delete_url(unused), {"post": "yes"})

    assert (refused.status_code, refused.url) == (302, change_url(in_use))
    assert (deleted.status_code, deleted.url) == (302, EXERCISES_URL)
    assert list(Exercise.objects.values_list("name", flat=True)) == ["Bench Press"]
