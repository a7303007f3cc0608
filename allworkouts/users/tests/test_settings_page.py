import re

import pytest
from django.urls import reverse
from django.utils import timezone

from allworkouts.rls import as_user
from allworkouts.users import services, views
from allworkouts.users.models import UnitSystem, UserEquipment
from allworkouts.users.tests.markup import audit_page
from catalog.tests.factories import EquipmentFactory

SETTINGS_URL = reverse("user_settings")
UNITS_URL = reverse("user_settings_units")
EQUIPMENT_URL = reverse("user_settings_equipment")
HTMX = {"HTTP_HX_REQUEST": "true"}


def ownership(user):
    """{equipment name: (row id, soft-deleted?)} for every user_equipment row of `user`."""
    with as_user(user):
        return {
            row.equipment.name: (row.pk, row.deleted_at is not None)
            for row in UserEquipment.all_objects.filter(user=user).select_related("equipment")
        }


def checked_equipment_ids(response):
    html = response.content.decode()
    return {
        int(value)
        for value in re.findall(
            r'<input type="checkbox" name="equipment" value="(\d+)"[^>]*checked', html
        )
    }


@pytest.fixture
def gym(db):
    return {
        name: EquipmentFactory(name=name)
        for name in ["Barbell", "Bodyweight", "Dumbbell", "Kettlebell"]
    }


def test_the_page_offers_every_active_equipment_by_name_and_ticks_what_the_user_owns(
    logged_in_client, user, gym
):
    EquipmentFactory(name="Sled", retired_at=timezone.now())
    with as_user(user):
        UserEquipment.objects.create(user=user, equipment=gym["Dumbbell"])

    response = logged_in_client.get(SETTINGS_URL)

    assert response.status_code == 200
    html = response.content.decode()
    offered = re.findall(r'name="equipment" value="(\d+)"', html)
    assert offered == [str(gym[name].pk) for name in sorted(gym)]
    assert checked_equipment_ids(response) == {gym["Dumbbell"].pk}
    assert "Sled" not in html
    assert re.search(r'name="unit_system" value="metric"[^>]*checked', html)
    audit_page(response)


def test_saving_units_changes_the_users_unit_system(logged_in_client, user):
    response = logged_in_client.post(UNITS_URL, {"unit_system": "imperial"}, follow=True)

    user.refresh_from_db()
    assert user.unit_system == UnitSystem.IMPERIAL
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Units saved." in response.content.decode()
    assert re.search(r'value="imperial"[^>]*checked', response.content.decode())


def test_ticking_equipment_creates_rows_and_unticking_soft_deletes_them(
    logged_in_client, user, gym
):
    logged_in_client.post(EQUIPMENT_URL, {"equipment": [gym["Barbell"].pk, gym["Bodyweight"].pk]})
    created = ownership(user)
    assert created == {
        "Barbell": (created["Barbell"][0], False),
        "Bodyweight": (created["Bodyweight"][0], False),
    }

    response = logged_in_client.post(EQUIPMENT_URL, {"equipment": [gym["Bodyweight"].pk]})

    assert response.status_code == 302
    assert ownership(user) == {
        "Barbell": (created["Barbell"][0], True),
        "Bodyweight": (created["Bodyweight"][0], False),
    }


def test_ticking_again_restores_the_same_row(logged_in_client, user, gym):
    barbell = gym["Barbell"].pk
    logged_in_client.post(EQUIPMENT_URL, {"equipment": [barbell]})
    (row_id, _) = ownership(user)["Barbell"]
    logged_in_client.post(EQUIPMENT_URL, {})
    assert ownership(user) == {"Barbell": (row_id, True)}

    logged_in_client.post(EQUIPMENT_URL, {"equipment": [barbell]})

    assert ownership(user) == {"Barbell": (row_id, False)}
    page = logged_in_client.get(SETTINGS_URL)
    assert checked_equipment_ids(page) == {barbell}


def test_a_plain_post_is_redirected_to_the_page_with_a_success_message(logged_in_client, gym):
    response = logged_in_client.post(
        EQUIPMENT_URL, {"equipment": [gym["Kettlebell"].pk]}, follow=True
    )

    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Equipment saved." in response.content.decode()
    assert "HX-Request" in logged_in_client.post(EQUIPMENT_URL, {})["Vary"]
    assert checked_equipment_ids(response) == {gym["Kettlebell"].pk}


@pytest.mark.parametrize(
    ("url", "data", "partial_id", "note"),
    [
        (UNITS_URL, {"unit_system": "imperial"}, "settings-units", "Saved"),
        (EQUIPMENT_URL, {}, "settings-equipment", "Saved"),
    ],
)
def test_an_htmx_post_gets_its_section_back_with_a_saved_note(
    logged_in_client, url, data, partial_id, note
):
    response = logged_in_client.post(url, data, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<section id="{partial_id}"')
    assert html.count("<section") == 1
    assert "<html" not in html
    assert f'<span class="saved" role="status">{note}</span>' in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("unit_system", ["stone", ""])
def test_an_unknown_unit_is_refused_next_to_the_field(logged_in_client, user, htmx, unit_system):
    response = logged_in_client.post(
        UNITS_URL, {"unit_system": unit_system}, **(HTMX if htmx else {})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_unit_system_error"' in html
    assert "Choose metric or imperial." in html
    assert 'aria-describedby="id_unit_system_error"' in html
    user.refresh_from_db()
    assert user.unit_system == UnitSystem.METRIC
    assert ("<html" in html) is not htmx
    assert "Saved" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("bad_value", "message"),
    [
        ("retired", "is not offered any more"),
        ("unknown", "is not offered any more"),
        ("not-a-number", "“not-a-number” is not an equipment id."),
    ],
)
def test_bad_equipment_is_refused_keeping_what_was_ticked_and_saving_nothing(
    logged_in_client, user, gym, htmx, bad_value, message
):
    with as_user(user):
        UserEquipment.objects.create(user=user, equipment=gym["Bodyweight"])
    retired = EquipmentFactory(name="Sled", retired_at=timezone.now())
    bad = {"retired": retired.pk, "unknown": max(e.pk for e in gym.values()) + 1000}.get(
        bad_value, bad_value
    )
    before = ownership(user)

    response = logged_in_client.post(
        EQUIPMENT_URL,
        {"equipment": [gym["Barbell"].pk, gym["Dumbbell"].pk, bad]},
        **(HTMX if htmx else {}),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="id_equipment_error"' in html
    assert checked_equipment_ids(response) == {gym["Barbell"].pk, gym["Dumbbell"].pk}
    assert ownership(user) == before
    assert ("<html" in html) is not htmx
    assert "HX-Request" in response["Vary"]


def test_get_is_not_allowed_on_the_save_endpoints(logged_in_client):
    assert logged_in_client.get(UNITS_URL).status_code == 405
    assert logged_in_client.get(EQUIPMENT_URL).status_code == 405


def test_one_users_equipment_is_invisible_to_another(client, user, other_user, gym):
    client.force_login(other_user)
    client.post(EQUIPMENT_URL, {"equipment": [gym["Barbell"].pk]})

    client.force_login(user)
    response = client.get(SETTINGS_URL)

    assert checked_equipment_ids(response) == set()
    assert ownership(user) == {}
    assert set(ownership(other_user)) == {"Barbell"}


def test_settings_forms_post_with_a_csrf_token_and_target_their_own_section(logged_in_client, gym):
    html = logged_in_client.get(SETTINGS_URL).content.decode()

    for url, section in [(UNITS_URL, "settings-units"), (EQUIPMENT_URL, "settings-equipment")]:
        form = re.search(rf'<form method="post" action="{url}"(.*?)</form>', html, re.S)
        assert form, url
        assert f'hx-post="{url}"' in form.group(1)
        assert f'hx-target="#{section}"' in form.group(1)
        assert 'name="csrfmiddlewaretoken"' in form.group(1)
        assert f'<section id="{section}"' in html


def test_equipment_retired_while_saving_is_refused_next_to_the_field(
    logged_in_client, user, gym, monkeypatch
):
    kettlebell = gym["Kettlebell"]

    def retire_then_save(**kwargs):
        kettlebell.retired_at = timezone.now()
        kettlebell.save()
        return services.user_equipment_set(**kwargs)

    monkeypatch.setattr(views, "user_equipment_set", retire_then_save)

    response = logged_in_client.post(EQUIPMENT_URL, {"equipment": [kettlebell.pk]}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Equipment not offered: {kettlebell.pk}." in html
    assert 'id="id_equipment_error"' in html
    assert "Saved" not in html
    assert ownership(user) == {}
