import pytest
from django.utils import translation

from tests import seed_snapshot
from tests.factories import make_hr_user
from tests.pages import add_internal_data


@pytest.fixture
def seeded(db):
    """The seed catalogue of fixtures/seed.json (tests/seed_snapshot.py: the real seed once per process, then its rows)."""
    return seed_snapshot.seed()


@pytest.fixture
def catalogue(seeded):
    """The standard catalogue: the seed plus what only staff may see (pay, a KPI weight, people, a
    dotted line and the draft 直播运营, see tests.pages.add_internal_data). Returns the draft."""
    return add_internal_data()


@pytest.fixture
def hr_client(client, db):
    """A browser session logged in as an HR staff member."""
    client.force_login(make_hr_user())
    return client


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's default language. A request with Accept-Language (or a
    language cookie) activates that language in the thread and Django leaves it active after the
    response, so without this a test's outcome could depend on the test that ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks run inside the request in tests, so their results can be asserted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test writes its exports to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_ROOT = settings.MEDIA_ROOT / "exports"
