"""The authentication backends of AUTHENTICATION_BACKENDS: Django's and allauth's, with the user
read that every request makes (`get_user`) written out, as building its ORM query cost more CPU
than running it."""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.db import connection

from allworkouts.rows import columns, model_from_row
from allworkouts.users.models import User

USER_SQL = f'SELECT {columns(User, "u")} FROM "{User._meta.db_table}" AS u WHERE u.id = %s'


def _user_by_id(user_id) -> User | None:
    with connection.cursor() as cursor:
        cursor.execute(USER_SQL, [user_id])
        found = cursor.fetchone()
    return None if found is None else model_from_row(User, found)


class ModelBackend(django_backends.ModelBackend):
    def get_user(self, user_id):
        user = _user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    get_user = ModelBackend.get_user
