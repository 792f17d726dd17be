"""The site's URLs plus views that fail, for tests of what a 500 looks like (tests/roles/test_api_errors.py)."""

from django.urls import path
from rest_framework.decorators import api_view

from shopconfig.urls import urlpatterns as site


class Boom(Exception):
    pass


def broken_page(request):
    raise Boom("secret detail of a failure")


@api_view(["GET"])
def broken_endpoint(request):
    raise Boom("secret detail of a failure")


urlpatterns = [
    path("api/v1/broken/", broken_endpoint),
    path("api/broken/", broken_page),
    path("broken/", broken_page),
    *site,
]
