"""Small builders for test data; every role goes through the tree service."""

import itertools

from django.contrib.auth.models import Group, User

from roles import services
from roles.apps import HR_GROUP, HR_MANAGER_GROUP, MANAGER_GROUP
from roles.models import Department, Grade, Role

_seq = itertools.count(1)


def make_department(name=None, **kwargs):
    n = next(_seq)
    return Department.objects.create(code=kwargs.pop("code", f"dept-{n}"), name=name or f"部门{n}", **kwargs)


def make_grade(name=None, level=None, **kwargs):
    n = next(_seq)
    return Grade.objects.create(
        code=kwargs.pop("code", f"grade-{n}"), name=name or f"职级{n}", level=level or 1000 + n, **kwargs
    )


def make_role(title=None, parent=None, **kwargs):
    n = next(_seq)
    kwargs.setdefault("department", Department.objects.first() or make_department())
    kwargs.setdefault("grade", Grade.objects.first() or make_grade())
    kwargs.setdefault("status", Role.Status.PUBLISHED)
    role = Role(title=title or f"岗位{n}", slug=kwargs.pop("slug", f"role-{n}"), parent=parent, **kwargs)
    return services.save_role(role)


def make_user(username, group=None, staff=False, superuser=False):
    user = User.objects.create_user(
        username, password="pw-Secret-123", is_staff=staff or superuser, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_hr_user(username="hr"):
    return make_user(username, group=HR_GROUP, staff=True)


def make_manager(username="manager"):
    return make_user(username, group=MANAGER_GROUP, staff=True)


def make_hr_manager(username="hr-manager"):
    """An HR manager: edits like HR and may also approve and publish job descriptions."""
    return make_user(username, group=HR_MANAGER_GROUP, staff=True)


def tree_text(roles=None):
    """The role tree as indented titles, one per line, in tree order."""
    roles = Role.objects.order_by("tree_id", "lft") if roles is None else roles
    return "\n".join("  " * r.level + r.title for r in roles)
