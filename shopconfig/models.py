"""The shop profile and the company-wide pay-policy defaults (one row each)."""

import contextlib
import contextvars
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SingletonModel(models.Model):
    """A settings table with exactly one row, created on first use."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("settings rows cannot be deleted")

    @classmethod
    def load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ShopProfile(SingletonModel):
    class Platform(models.TextChoices):
        TAOBAO = "taobao", _("Taobao")
        TMALL = "tmall", _("Tmall")
        JD = "jd", _("JD")
        MULTI = "multi", _("Several platforms")

    company_name = models.CharField(_("company name"), max_length=100, default="示例电子商务有限公司")
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices, default=Platform.MULTI)
    logo = models.FileField(_("logo"), upload_to="shop/", blank=True)
    public_catalogue = models.BooleanField(
        _("public catalogue"),
        default=True,
        help_text=_("Anonymous visitors may read published job descriptions."),
    )
    show_public_pay_range = models.BooleanField(
        _("show reference pay range to the public"),
        default=False,
        help_text=_("Recruiting pages often show the reference pay range; pay schemes stay internal."),
    )

    # The usual overlap (重叠度) of a pay grade's band with the next higher one, in percent: the lint's
    # band-overlap rule reports a pay grade outside it (a negative overlap is a gap between the bands).
    band_overlap_min = models.DecimalField(
        _("lowest usual band overlap (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Below it (a negative overlap is a gap) the lint reports the pay grade, e.g. 0."),
    )
    band_overlap_max = models.DecimalField(
        _("highest usual band overlap (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("50"),
        help_text=_("Above it the lint reports the pay grade, e.g. 50."),
    )

    class Meta:
        verbose_name = _("shop profile")
        verbose_name_plural = _("shop profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(band_overlap_min__lte=models.F("band_overlap_max")),
                name="shop_band_overlap_ordered",
            )
        ]

    def __str__(self):
        return self.company_name

    def save(self, *args, **kwargs):
        # The public-catalogue switch decides what visitors see. A first row that keeps the
        # catalogue public changes nothing (no row means public): pages create it on first use.
        changes_visibility = not self._state.adding or not self.public_catalogue
        super().save(*args, **kwargs)
        if changes_visibility:
            CatalogueRevision.bump()

    def clean(self):
        low, high = self.band_overlap_min, self.band_overlap_max
        if low is not None and high is not None and low > high:
            raise ValidationError({"band_overlap_max": _("The highest usual overlap must not be below the lowest.")})


class PayPolicy(SingletonModel):
    """Defaults a new pay scheme starts from (the seed's 绩效考核制度)."""

    attendance_bonus_rate = models.DecimalField(
        _("full-attendance bonus rate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of base pay, e.g. 0.10 for 10 %."),
    )
    attendance_incident_limit = models.PositiveSmallIntegerField(
        _("late arrivals, early departures and leaves that cancel the full-attendance bonus"),
        default=3,
        help_text=_("The bonus is cancelled when their total in a month reaches this number."),
    )
    absence_days_limit = models.DecimalField(
        _("days of absence without leave that cancel the full-attendance bonus"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    warning_consecutive_months = models.PositiveSmallIntegerField(
        _("consecutive months that trigger a dismissal warning"), default=3
    )
    warning_score = models.DecimalField(
        _("warning score"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A month scored below this counts towards the dismissal warning."),
    )

    class Meta:
        verbose_name = _("pay policy defaults")
        verbose_name_plural = _("pay policy defaults")

    def __str__(self):
        return str(_("pay policy defaults"))


class CatalogueRevision(models.Model):
    """Changes, in the same transaction, with every write to a role, a pay scheme or the shop profile.

    Large read-only answers (the API's role tree, a role's pay rules) are kept in each process per revision, so a
    request only checks this one row. A random token rather than a counter: a rolled-back
    transaction may bring an old value back, but never one that stood for other data.
    """

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("catalogue revision")

    def __str__(self):
        return str(self.token)

    @classmethod
    def current(cls):
        """The token; read once within read_once() (every GET request: shopconfig.revision_cache.read_once_per_request)."""
        seen = _seen_in_request.get()
        if seen:
            return seen[0]
        token = cls.objects.filter(pk=1).values_list("token", flat=True).first() or cls.bump()
        if seen is not None:
            seen.append(token)
        return token

    @classmethod
    def bump(cls):
        token = uuid.uuid4()
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
        seen = _seen_in_request.get()
        if seen is not None:
            seen.clear()  # read again: the transaction that wrote it may still roll back
        return token

    @staticmethod
    @contextlib.contextmanager
    def read_once():
        """Within the block (a GET request), current() reads the token once and then remembers it."""
        token = _seen_in_request.set([])
        try:
            yield
        finally:
            _seen_in_request.reset(token)


# The revision as read within CatalogueRevision.read_once() ([] until read), or None outside it.
_seen_in_request = contextvars.ContextVar("catalogue_revision_seen_in_request", default=None)
