"""The job description's sections in print order, with their headings, stated once.

The web page and the PDF (templates/roles/_jd_card.html) and the Word document
(roles.exports.word) all print a role's card first, then these sections in this order.
Whether a section shows (KPIs only when there are some, pay only to those allowed) is
each renderer's business; the order and the headings are not.
"""

from django.utils.translation import gettext_lazy as _

SUMMARY, DUTIES, REQUIREMENTS, KPIS, STANDARD_FIELDS, PAY = (
    "summary",
    "duties",
    "requirements",
    "kpis",
    "standard_fields",
    "pay",
)

# (key, heading); the standard fields are one section each, headed by the field's own label.
JD_SECTIONS = (
    (SUMMARY, _("main responsibility")),
    (DUTIES, _("duties")),
    (REQUIREMENTS, _("requirements")),
    (KPIS, _("KPIs")),
    (STANDARD_FIELDS, None),
    (PAY, _("pay")),
)
