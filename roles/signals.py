"""Every write to a role, a pay scheme, a job family or a pay grade changes the catalogue revision, in its
transaction (see shopconfig.revision_cache): pages keep what they read of them per revision."""

from django.db.models.signals import post_delete, post_save

from shopconfig.models import CatalogueRevision

from .models import JobFamily, PayGrade, PayScheme, PerformanceTier, Role


def bump_revision(sender, **kwargs):
    CatalogueRevision.bump()


def connect():
    for model in (Role, PayScheme, PerformanceTier, JobFamily, PayGrade):
        for signal in (post_save, post_delete):
            signal.connect(bump_revision, sender=model, dispatch_uid=f"revision-{model.__name__}-{id(signal)}")
