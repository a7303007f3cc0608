import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from allworkouts.rls import as_user
from allworkouts.users.management.commands.create_demo_account import DEMO_EMAIL
from allworkouts.users.models import User, UserEquipment
from catalog.tests.factories import EquipmentFactory


@pytest.mark.django_db
def test_demo_account_is_created_once_printed_and_can_log_in(capsys):
    barbell = EquipmentFactory(name="Barbell")
    EquipmentFactory(name="Smith Machine")

    call_command("create_demo_account")
    call_command("create_demo_account")

    printed = capsys.readouterr().out
    assert printed.count(f"email {DEMO_EMAIL}  password lift-heavy-things") == 2
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1
    demo = authenticate(email=DEMO_EMAIL, password="lift-heavy-things")
    assert demo is not None
    with as_user(demo):
        owned = set(UserEquipment.objects.values_list("equipment_id", flat=True))
    assert owned == {barbell.pk}


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("DEMO_ACCOUNT_PASSWORD", "another-secret-phrase")
    call_command("create_demo_account")
    assert "password another-secret-phrase" in capsys.readouterr().out
    assert authenticate(email=DEMO_EMAIL, password="another-secret-phrase") is not None
