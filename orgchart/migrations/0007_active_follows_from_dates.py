from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orgchart", "0006_end_dates_for_people_who_left")]

    operations = [
        migrations.RemoveField(model_name="employee", name="active"),
        migrations.AddConstraint(
            model_name="employee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("start_date__isnull", True),
                    ("end_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="employee_end_not_before_start",
            ),
        ),
    ]
