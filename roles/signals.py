"""Every role write changes the catalogue revision, in its transaction (see shopconfig.revision_cache)."""

from django.db.models.signals import post_delete, post_save

from shopconfig.models import CatalogueRevision

from .models import Role


def bump_revision(sender, **kwargs):
    CatalogueRevision.bump()


def connect():
    for signal in (post_save, post_delete):
        signal.connect(bump_revision, sender=Role, dispatch_uid=f"roles-revision-{signal}")
