"""The base of every factory for a user-scoped model.

Row-level security admits a row only while the transaction carries its owner's id, so the
factory creates each row inside `as_user(row's user)`, as a request by that user would. Nothing
is bypassed: the tests still run as the app role with the policies in force, and reading rows
back needs `as_user`. To see a row for someone else refused, `build()` it (which saves nothing)
and save it inside another user's `as_user`.
"""

import factory

from allworkouts.rls import as_user


class UserScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with as_user(kwargs["user"]):
            return super()._create(model_class, *args, **kwargs)
