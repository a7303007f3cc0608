"""A new lifter on a phone: sign up, pick pounds and the equipment at hand."""

import re

import pytest
from playwright.sync_api import expect

from allworkouts.rls import as_user
from allworkouts.users.models import User, UserEquipment
from catalog.tests.factories import EquipmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_then_choose_pounds_and_equipment(phone, assert_accessible):
    barbell = EquipmentFactory(name="Barbell")
    EquipmentFactory(name="Dumbbell")
    EquipmentFactory(name="Bodyweight")

    phone.goto("/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert_accessible(phone, "login")

    phone.get_by_role("link", name=re.compile("sign up", re.I)).first.click()
    assert_accessible(phone, "signup")
    phone.get_by_label(re.compile(r"^Email")).fill("new.lifter@example.com")
    phone.get_by_label(re.compile(r"^Password:?$")).fill("squat-bench-deadlift-42")
    phone.get_by_label(re.compile(r"^Password \(again\)")).fill("squat-bench-deadlift-42")
    phone.get_by_role("button", name="Create account").click()

    expect(phone).to_have_url(re.compile(r"/settings/$"))
    assert_accessible(phone, "settings")
    phone.get_by_label(re.compile("Imperial")).check()
    phone.get_by_role("button", name=re.compile("save units", re.I)).click()
    expect(phone.locator("#settings-units")).to_contain_text("Saved")

    phone.get_by_label("Barbell").check()
    phone.get_by_role("button", name=re.compile("save equipment", re.I)).click()
    expect(phone.locator("#settings-equipment")).to_contain_text("Saved")

    phone.reload()
    expect(phone.get_by_label(re.compile("Imperial"))).to_be_checked()
    expect(phone.get_by_label("Barbell")).to_be_checked()
    expect(phone.get_by_label("Dumbbell")).not_to_be_checked()

    lifter = User.objects.get(email="new.lifter@example.com")
    assert lifter.unit_system == "imperial"
    with as_user(lifter):
        assert list(UserEquipment.objects.values_list("equipment", flat=True)) == [barbell.pk]
