"""Every write to an employee or a headcount plan changes the catalogue revision, in its transaction, as a
write to a role does (roles/signals.py): the chart keeps who is in post and the planned seats per revision
(orgchart.staffing).

Bulk writes (QuerySet.update, bulk_create, bulk_update) send no signals: whatever writes people that
way calls CatalogueRevision.bump() in the same transaction.
"""

from django.db.models.signals import post_delete, post_save

from roles.signals import bump_revision

from .models import Employee, HeadcountLine, HeadcountPlan


def connect():
    for model in (Employee, HeadcountPlan, HeadcountLine):
        for signal in (post_save, post_delete):
            signal.connect(bump_revision, sender=model, dispatch_uid=f"revision-{model.__name__}-{id(signal)}")
