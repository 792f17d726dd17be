"""The headcount report's table rows, written in one pass: at 2,000 roles a template loop with a label and a
value per cell costs several times the report's own figures (the chart's outline is written the same way)."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from orgchart import headcount_report

register = template.Library()

ROW = '<tr class="hc-{kind}{over}" style="--depth: {depth}"><th scope="row" class="title hc-name">{name}{flag}</th>'
CELL = '<td data-label="{label}" class="num{over}">{value}</td>'


@register.simple_tag
def headcount_rows(report):
    """The report's rows and its total as <tr>s: the name (a role's linked), the control, the eight figures
    ("—" where nothing is planned); a row over plan is marked by a class and the word."""
    labels = [(name, escape(label)) for name, label in headcount_report.figure_labels()]
    control_label = escape(_("control"))
    flag = f' <span class="hc-flag">{escape(_("over plan"))}</span>'
    role_url = reverse("roles:list")  # + slug + "/": one reverse() per page, as the chart's outline

    def row(kind, name, depth, figures, control):
        over = bool(figures.over)
        cells = [
            ROW.format(kind=kind, over=" is-over" if over else "", depth=depth, name=name, flag=flag if over else ""),
            f'<td data-label="{control_label}" class="hc-control">{escape(control) or "—"}</td>',
        ]
        for field, label in labels:
            value = getattr(figures, field)
            marked = " hc-over" if field == "over" and value else ""
            cells.append(CELL.format(label=label, over=marked, value="—" if value is None else value))
        cells.append("</tr>")
        return "".join(cells)

    parts = []
    for r in report.rows:
        name = escape(r.name)
        if r.kind == headcount_report.ROLE:
            name = f'<a href="{role_url}{escape(r.slug)}/">{name}</a>'
        parts.append(row(r.kind, name, r.depth, r.figures, r.control))
    parts.append(row("total", escape(_("Total")), 0, report.total, ""))
    return mark_safe("\n".join(parts))
