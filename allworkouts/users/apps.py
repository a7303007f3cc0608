from django.apps import AppConfig
from django.db.models.signals import post_migrate


class UsersConfig(AppConfig):
    name = "allworkouts.users"
    label = "users"
    verbose_name = "Users"

    def ready(self):
        from allworkouts.users.privileges import grant_app_role_privileges

        post_migrate.connect(grant_app_role_privileges, sender=self)
