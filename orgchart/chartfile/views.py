"""/orgchart.svg, /orgchart.png and /orgchart.pdf: the chart page's roles as a file to download."""

import re

from django.http import Http404
from django.utils.translation import gettext as _

from shopconfig.downloads import download

from ..staffing import chart_data
from ..views import chart_roles
from .pdf import chart_pdf
from .png import chart_png
from .svg import chart_svg

FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def chart_file(request, fmt):
    """/orgchart.svg, .png or .pdf (optionally ?root=<slug>): the chart page's roles as a download."""
    if fmt not in FORMATS:
        raise Http404
    reader, roles, root = chart_roles(request)
    data = chart_data(reader, roles)
    name = _("Org chart")
    if root is not None:
        name = f"{name}-{_UNSAFE_IN_NAME.sub('_', root.title).strip()}"
    if fmt == "svg":
        content = chart_svg(data, name)
    elif fmt == "png":
        content = chart_png(data)
    else:
        content = chart_pdf(data, _("Org chart"), root.title if root else request.shop.company_name)
    response = download(content, f"{name}.{fmt}", FORMATS[fmt])
    response["Cache-Control"] = "private, no-cache"  # what it shows depends on who asks
    return response
