import pytest

from roles.seed import load_seed
from tests.factories import make_hr_user


@pytest.fixture
def seeded(db):
    """The seed catalogue of fixtures/seed.json."""
    return load_seed()


@pytest.fixture
def hr_client(client, db):
    """A browser session logged in as an HR staff member."""
    client.force_login(make_hr_user())
    return client
