"""The rows of /roles/bands/, written in one pass: at 2,000 roles a template loop with a label per cell and a
bar of five positioned marks costs several times the pays themselves (as the headcount report's rows)."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roles.lint import Severity
from roles.rules import plain_number

register = template.Library()

ROW = '<tr class="{marked}" data-role="{slug}"><th scope="row" class="title"><a href="{url}{slug}/">{title}</a>'
CELL = '<td class="num{extra}" data-label="{label}">{value}</td>'
BAR = (
    '<td class="pb-chart"><div class="pb-bar" role="img" aria-label="{description}">'
    '<span class="pb-range" style="left: {band_left}%; width: {band_width}%"></span>'
    '<span class="pb-mid" style="left: {midpoint}%"></span>'
    '<span class="pb-mark pb-floor" style="left: {floor}%"></span>'
    '<span class="pb-mark pb-lowest" style="left: {lowest_tier}%"></span>'
    '<span class="pb-mark pb-target" style="left: {target}%"></span></div></td>'
)


def finding_html(finding, severity_labels):
    """One lint finding as the page marks it: its severity as a word, then the message with its numbers."""
    return (
        f'<span class="pb-finding pb-{finding.severity}" data-rule="{escape(finding.rule)}">'
        f'<span class="pb-flag">{severity_labels[finding.severity]}</span> {escape(finding.message)}</span>'
    )


@register.simple_tag
def pay_band_rows(group):
    """A pay grade's roles as <tr>s: title (linked), department and grade, findings; the three pays and the
    compa-ratio, each labelled for phones; the bar (bands_views.Row.bar)."""
    labels = {name: escape(label) for name, label in (
        ("target", _("target pay")), ("lowest_tier", _("lowest tier pay")), ("floor", _("floor pay")),
        ("compa_ratio", _("compa-ratio")),
    )}  # fmt: skip
    role_url = reverse("roles:list")  # + slug + "/": one reverse() per page
    band_text = group.band_text
    severity_labels = {severity: escape(severity.label) for severity in Severity}
    describe = _("target %(target)s, lowest paid tier %(lowest)s, floor %(floor)s; band %(band)s")
    parts = []
    for row in group.rows:
        role, pays = row.role, row.pays
        amounts = {name: plain_number(getattr(pays, name)) for name in ("target", "lowest_tier", "floor")}
        cells = [
            ROW.format(
                marked="has-finding" if row.findings else "",
                slug=escape(role["slug"]),
                url=role_url,
                title=escape(role["title"]),
            ),
            f' <span class="muted">{escape(role["department__name"])} · {escape(role["grade__name"])}</span>',
            *(finding_html(finding, severity_labels) for finding in row.findings),
            "</th>",
            *(CELL.format(extra="", label=labels[name], value=amounts[name]) for name in amounts),
            CELL.format(extra=" pb-compa", label=labels["compa_ratio"], value=row.compa_ratio or "—"),
        ]
        description = describe % {
            "target": amounts["target"],
            "lowest": amounts["lowest_tier"],
            "floor": amounts["floor"],
            "band": band_text,
        }
        cells.append(BAR.format(description=escape(description), **row.bar))
        cells.append("</tr>")
        parts.append("".join(cells))
    return mark_safe("\n".join(parts))
