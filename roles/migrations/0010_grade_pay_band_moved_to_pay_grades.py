"""The pay band now lives on the pay grades (职等): the grade's own band columns go (0009 moved their values)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0009_pay_bands_from_grades_to_pay_grades"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="grade",
            name="grade_pay_band_ordered",
        ),
        migrations.RemoveField(
            model_name="grade",
            name="pay_band_max",
        ),
        migrations.RemoveField(
            model_name="grade",
            name="pay_band_min",
        ),
    ]
