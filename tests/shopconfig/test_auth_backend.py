"""The one-query permission backend gives exactly Django's permissions, in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from shopconfig.auth import OneQueryModelBackend
from tests.queries import count_queries


def perm(codename):
    return Permission.objects.get(content_type__app_label="roles", codename=codename)


@pytest.mark.parametrize(
    "own, in_group, superuser, active",
    [
        ([], [], False, True),
        (["view_role"], [], False, True),
        ([], ["view_role", "view_payscheme"], False, True),
        (["change_role", "view_role"], ["view_role", "add_role"], False, True),
        ([], [], True, True),
        (["view_role"], ["view_payscheme"], False, False),
    ],
)
def test_it_gives_the_same_permissions_as_django_in_one_query(db, own, in_group, superuser, active):
    user = User.objects.create_user("u", is_superuser=superuser, is_active=active)
    user.user_permissions.set([perm(c) for c in own])
    group = Group.objects.create(name="g")
    group.permissions.set([perm(c) for c in in_group])
    user.groups.add(group, Group.objects.create(name="empty"))
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    fresh = User.objects.get(pk=user.pk)
    backend = OneQueryModelBackend()
    queries = count_queries(lambda: (backend.get_all_permissions(fresh), fresh.has_perm("roles.view_role")))
    assert queries == (1 if active else 0)
    assert backend.get_all_permissions(fresh) == expected  # read again from the user's cache
    assert fresh.has_perm("roles.view_role") == ("roles.view_role" in expected)
