"""Every write to a role (its dotted lines too), a department, a grade, a pay scheme, a job family or a pay
grade changes the catalogue revision, in its transaction (see shopconfig.revision_cache): pages keep what
they read of them per revision."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from shopconfig.models import CatalogueRevision

from .models import Department, Grade, JobFamily, PayGrade, PayScheme, PerformanceTier, Role


def bump_revision(sender, **kwargs):
    CatalogueRevision.bump()


def connect():
    for model in (Role, Department, Grade, PayScheme, PerformanceTier, JobFamily, PayGrade):
        for signal in (post_save, post_delete):
            signal.connect(bump_revision, sender=model, dispatch_uid=f"revision-{model.__name__}-{id(signal)}")
    dotted = Role.dotted_line_superiors.through
    m2m_changed.connect(bump_revision, sender=dotted, dispatch_uid="revision-dotted-lines")
