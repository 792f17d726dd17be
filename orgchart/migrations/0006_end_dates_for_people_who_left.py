"""People who were no longer active get a last day, before the `active` flag goes (0007).

"Active" now follows from the dates (orgchart/headcount.py): a person is in post until their
`end_date`. The flag never said when someone left, so the day is not known. Each inactive person
gets the day before this migration runs as their last day: they were already gone when it ran, so
they are out of every count from that day on, as the flag had them; counts of earlier days (the
chart as of a past day) keep them, as nothing recorded says otherwise.

An inactive person whose start date is after that day never started (a withdrawn hire): the last day
may not come before the start (the constraint of 0007), so both become that day, which keeps them out
of every count from the migration on.
"""

import datetime

from django.db import migrations
from django.utils import timezone


def give_leavers_a_last_day(apps, schema_editor):
    Employee = apps.get_model("orgchart", "Employee")
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    leavers = Employee.objects.filter(active=False)
    leavers.filter(start_date__gt=last_day).update(start_date=last_day)
    leavers.update(end_date=last_day)


def bring_the_flag_back(apps, schema_editor):
    Employee = apps.get_model("orgchart", "Employee")
    Employee.objects.update(active=True)
    Employee.objects.filter(end_date__lt=timezone.localdate()).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("orgchart", "0005_headcount_plans")]

    operations = [migrations.RunPython(give_leavers_a_last_day, bring_the_flag_back)]
