"""The files crawlers and browsers ask for at fixed addresses: /robots.txt and /favicon.ico."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Public pages (the catalogue, job descriptions, the chart) may be indexed; logins, the admin, the API
# and the language switch may not.
ROBOTS_TXT = """\
User-agent: *
Disallow: /accounts/
Disallow: /admin/
Disallow: /api/
Disallow: /i18n/
"""

# Browsers and chat apps' link previews ask for /favicon.ico whatever the page links to; a PNG answers them.
FAVICON = settings.BASE_DIR / "static" / "favicon-32.png"
ONE_DAY = 24 * 60 * 60


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def robots_txt(request):
    """Tell crawlers which pages are public, so search engines index the catalogue and not the logins."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def favicon(request):
    """The site icon at the address every browser tries first, instead of a 404 in its console."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/png")
