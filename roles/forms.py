"""Forms of the catalogue pages."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.forms import MPTTAdminForm

from . import paycalc
from .timeline import EARLIEST, LATEST


def _money(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, initial=Decimal("0"), **kwargs)


class PayCalculatorForm(forms.Form):
    """One month's facts for the pay calculator on a job description (a GET form)."""

    prefix = "pay"

    performance_score = forms.DecimalField(
        label=_("performance score"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=Decimal("85"),
        help_text=_("0 to 100"),
    )
    late_count = forms.IntegerField(label=_("late arrivals"), min_value=0, max_value=999, initial=0)
    early_leave_count = forms.IntegerField(label=_("early departures"), min_value=0, max_value=999, initial=0)
    leave_count = forms.IntegerField(label=_("leaves"), min_value=0, max_value=999, initial=0)
    absent_days = forms.DecimalField(
        label=_("days of absence without leave"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=31,
        initial=Decimal("0"),
    )
    sales_amount = _money(_("sales"))
    special_bonus = _money(_("special bonus"))
    base_salary = _money(_("base salary"))
    performance_bonus_amount = _money(_("full performance bonus"))

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        scheme = role.pay_scheme
        # What-if amounts start from the role's own; a role without them starts from zero.
        self.fields["base_salary"].initial = role.base_salary or Decimal("0")
        self.fields["performance_bonus_amount"].initial = role.performance_bonus_amount or Decimal("0")
        if not scheme.has_commission:
            del self.fields["sales_amount"]
        if not scheme.has_special_bonus:
            del self.fields["special_bonus"]

    def compute(self):
        """The itemised result for valid data; None (with the error on the form) otherwise."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        facts = paycalc.MonthFacts(
            performance_score=data["performance_score"],
            late_count=data["late_count"],
            early_leave_count=data["early_leave_count"],
            leave_count=data["leave_count"],
            absent_days=data["absent_days"],
            sales_amount=data.get("sales_amount") or Decimal("0"),
            special_bonus=data.get("special_bonus") or Decimal("0"),
        )
        try:
            return paycalc.compute_pay(
                self.role.pay_scheme.rules(self.role), data["base_salary"], data["performance_bonus_amount"], facts
            )
        except ValueError as error:
            self.add_error(None, str(error))
            return None


class TransitionForm(forms.Form):
    """Why a job description changes status; publishing also says from which date it applies."""

    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    effective_date = forms.DateField(
        label=_("effective date"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, comment_required=False, ask_effective_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        if ask_effective_date:
            self.fields["effective_date"].initial = timezone.localdate()
        else:
            del self.fields["effective_date"]


class RestoreForm(forms.Form):
    """Restore an earlier version of a job description into its working copy."""

    version = forms.TypedChoiceField(label=_("version"), coerce=int)
    comment = forms.CharField(label=_("why"), max_length=2000)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(n, n) for n in numbers]


class RoleAdminForm(MPTTAdminForm):
    """The admin's role form (django-mptt's, which offers no subordinate as superior), asking from
    which day a change to the role's place applies."""

    effective_date = forms.DateField(
        label=_("effective date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_(
            "From which day a new superior, title, department, grade, headcount or dotted line applies: "
            "empty or today for now, a past day to correct the record, a later day to schedule it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()

    def clean_leads_to(self):
        targets = self.cleaned_data.get("leads_to")
        problem = self.instance.career_path_problem(targets or [])
        if problem:
            raise forms.ValidationError(problem)
        return targets

    def clean_effective_date(self):
        day = self.cleaned_data.get("effective_date")
        if day is None:
            return None
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 1900-01-01 and 2100-12-31."))
        if self.instance.pk is None and day > timezone.localdate():
            raise forms.ValidationError(
                _("A new role starts today or on a past day; plan later ones in a reorganisation plan.")
            )
        return day
