"""The pay band moves from the grade (职级) to the pay grades (职等), keeping every value.

Forwards: each grade with a band (either end set) gets a pay grade of its own, numbered 1, 2, …
from the lowest grade level up, named like the grade, with the grade's minimum and maximum and
the mean of the two as midpoint; the grade's range of pay grades is that one number, and every
role of the grade is placed on it. A band with one end only keeps it as both ends (said in the
pay grade's description). A minimum of 0, which a pay grade refuses, stops the migration with the
grade's name: correct it first (0 meant "no minimum", so clear it or give the real one).

Backwards: each grade with a range gets the band from the lowest minimum to the highest maximum
of the pay grades in its range.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

CENT = Decimal("0.01")


def bands_to_pay_grades(apps, schema_editor):
    Grade = apps.get_model("roles", "Grade")
    PayGrade = apps.get_model("roles", "PayGrade")
    Role = apps.get_model("roles", "Role")
    banded = [
        grade
        for grade in Grade.objects.order_by("level")
        if grade.pay_band_min is not None or grade.pay_band_max is not None
    ]
    for number, grade in enumerate(banded, start=1):
        low, high = grade.pay_band_min, grade.pay_band_max
        notes = [f"由职级“{grade.name}”原有的薪资带宽迁移而来。"]
        if low is None:
            low = high
            notes.append("原带宽没有下限：下限取原上限。")
        if high is None:
            high = low
            notes.append("原带宽没有上限：上限取原下限。")
        if low <= 0:
            raise RuntimeError(
                f"The grade “{grade.name}” has a pay band minimum of {low}; a pay grade's minimum must be "
                "above 0. Clear that minimum or give the real one, then migrate again."
            )
        pay_grade = PayGrade.objects.create(
            number=number,
            name=grade.name,
            band_min=low,
            band_mid=((low + high) / 2).quantize(CENT, rounding=ROUND_HALF_UP),
            band_max=high,
            description="".join(notes),
        )
        grade.min_pay_grade = grade.max_pay_grade = number
        grade.save(update_fields=["min_pay_grade", "max_pay_grade"])
        Role.objects.filter(grade=grade).update(pay_grade=pay_grade)


def pay_grades_to_bands(apps, schema_editor):
    Grade = apps.get_model("roles", "Grade")
    PayGrade = apps.get_model("roles", "PayGrade")
    for grade in Grade.objects.filter(min_pay_grade__isnull=False):
        in_range = PayGrade.objects.filter(number__gte=grade.min_pay_grade, number__lte=grade.max_pay_grade)
        lows = [p.band_min for p in in_range]
        if lows:
            grade.pay_band_min = min(lows)
            grade.pay_band_max = max(p.band_max for p in in_range)
            grade.save(update_fields=["pay_band_min", "pay_band_max"])


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0008_job_families_and_pay_grades"),
    ]

    operations = [
        migrations.RunPython(bands_to_pay_grades, pay_grades_to_bands),
    ]
