"""Project-wide checks: migrations match the models, Django's system checks pass."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(f"makemigrations --check found missing migrations:\n{out.getvalue()}\n(exit {exit.code})")


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=StringIO())
