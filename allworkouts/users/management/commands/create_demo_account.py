import os

from django.core.management.base import BaseCommand
from django.db import transaction

from allworkouts.users.models import User
from allworkouts.users.services import user_equipment_set
from catalog.models import Equipment

DEMO_EMAIL = "demo@allworkouts.test"
DEMO_EQUIPMENT = ["Bodyweight", "Barbell", "Dumbbell", "Bench", "Pull-up Bar", "Cable Machine"]


class Command(BaseCommand):
    help = "Create (or reset) the demo account and print its email and password."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_ACCOUNT_PASSWORD", "lift-heavy-things")
        with transaction.atomic():
            user, created = User.objects.get_or_create(email=DEMO_EMAIL)
            user.set_password(password)
            user.save(update_fields=["password", "updated_at"])
            if created:
                owned = Equipment.objects.active().filter(name__in=DEMO_EQUIPMENT)
                user_equipment_set(user=user, equipment_ids=[item.pk for item in owned])
        self.stdout.write(
            self.style.SUCCESS(f"Demo account: email {DEMO_EMAIL}  password {password}")
        )
