"""The catalogue revision: what is kept per revision is rebuilt after a write, and a GET request reads it once."""

from shopconfig.models import CatalogueRevision


def test_within_read_once_the_revision_is_read_once_and_again_after_a_write(db, django_assert_num_queries):
    with CatalogueRevision.read_once():
        first = CatalogueRevision.current()
        with django_assert_num_queries(0):
            assert CatalogueRevision.current() == first
        written = CatalogueRevision.bump()
        with django_assert_num_queries(1):
            assert CatalogueRevision.current() == written != first
    with django_assert_num_queries(1):  # outside a request, every call reads it
        assert CatalogueRevision.current() == written
