"""Yes/no environment variables are read strictly: a typo stops the start-up instead of meaning no."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from shopconfig.settings import parse_bool

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("yes", True),
        ("Yes", True),
        ("on", True),
        ("ON", True),
        (" 1 ", True),
        ("0", False),
        ("false", False),
        ("False", False),
        ("no", False),
        ("NO", False),
        ("off", False),
        ("Off", False),
        ("\t0\n", False),
    ],
)
def test_accepted_words(text, expected):
    assert parse_bool("DJANGO_DEBUG", text, default=not expected) is expected


@pytest.mark.parametrize("text", [None, "", "   "])
def test_unset_or_empty_gives_the_default(text):
    assert parse_bool("DJANGO_DEBUG", text, default=True) is True
    assert parse_bool("DJANGO_DEBUG", text, default=False) is False


@pytest.mark.parametrize("text", ["ture", "flase", "2", "-1", "y", "n", "enabled", "yes please", "真", "0.0"])
def test_anything_else_is_an_error_naming_the_variable_and_the_value(text):
    with pytest.raises(ImproperlyConfigured) as error:
        parse_bool("DJANGO_HSTS_PRELOAD", text, default=True)
    assert "DJANGO_HSTS_PRELOAD" in str(error.value)
    assert repr(text) in str(error.value)


def test_a_misspelt_variable_stops_the_start_up(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_DEBUG="ture", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG='ture' is not a yes/no value" in result.stderr


@pytest.mark.parametrize("text", ["0", "two", "-1"])
def test_a_number_of_pdf_workers_that_is_not_one_or_more_stops_the_start_up(tmp_path, text):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ROLEATLAS_"))}
    env.update(ROLEATLAS_PDF_WORKERS=text, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert f"ImproperlyConfigured: ROLEATLAS_PDF_WORKERS={text!r} is not a number of processes" in result.stderr
