from django import template
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from orgchart.chartfile.layout import page_geometry
from orgchart.chartfile.scene import card_names
from orgchart.staffing import chart_nodes

register = template.Library()


@register.simple_tag
def chart_geometry():
    """#orgchart-geometry: the card sizes and gaps chart.js lays out with, the server layout's own."""
    return json_script(page_geometry(), "orgchart-geometry")


@register.simple_tag
def role_outline(data):
    """The chart as nested lists, for readers without JavaScript: one pass over tree-ordered nodes.
    Chart data with people's names (readers who may see them) adds the names a card shows."""
    depth, parts, previous = {}, [], -1
    more_people = _("+{count}")
    for node in chart_nodes(data):
        level = depth[node["id"]] = depth[node["parentId"]] + 1 if node["parentId"] in depth else 0
        if level > previous:
            parts.append("<ul>")
        else:
            parts.append("</li>" + "</ul></li>" * (previous - level))
        parts.append(
            format_html(
                '<li data-slug="{}"><a href="{}">{}</a> <span class="meta">{} · {}</span>',
                node["slug"],
                node["url"],
                node["title"],
                node["grade"],
                _("%(filled)s of %(headcount)s filled") % node,
            )
        )
        if node.get("people"):
            names, more = card_names(node["people"])
            if more:
                names.append(more_people.format(count=more))
            parts.append(format_html(' <span class="oc-names">{}</span>', " · ".join(names)))
        previous = level
    if previous >= 0:
        parts.append("</li>" + "</ul></li>" * previous + "</ul>")
    return mark_safe("".join(parts))
