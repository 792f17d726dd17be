"""Every error the API answers is JSON of one shape, whichever layer produced it.

- Field errors (400 from a serializer): `{"field": ["message", …], "non_field_errors": [...]}`.
- Everything else: `{"detail": "message", "code": "machine_readable_code"}`.

`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) shapes the errors of the API's views.
`api_errors_middleware` covers what happens outside them: a path the router does not match
(Django's 404), an unexpected exception (Django's 500, with or without DEBUG: never a
traceback), a bad Host header (400). Under /api/ such an HTML or text answer gets a JSON body
of the same shape; its status and headers stay. Pages outside /api/ keep their HTML.
"""

import json
from http import HTTPStatus

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from ..reading import BadParameter

API_PREFIX = "/api/"

# The status codes Django itself may answer under /api/, outside the API's views.
GENERIC = {
    400: (_("Bad request."), "bad_request"),
    403: (exceptions.PermissionDenied.default_detail, exceptions.PermissionDenied.default_code),
    404: (exceptions.NotFound.default_detail, exceptions.NotFound.default_code),
    405: (_("Method not allowed."), "method_not_allowed"),
    413: (_("The request is too large."), "request_too_large"),
    500: (exceptions.APIException.default_detail, "server_error"),
}


def error_body(status):
    """`{"detail", "code"}` for a status Django answered by itself."""
    if status in GENERIC:
        detail, code = GENERIC[status]
        return {"detail": str(detail), "code": code}
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"detail": phrase, "code": phrase.lower().replace(" ", "_").replace("-", "_")}


def exception_handler(exc, context):
    """DRF's handler, with the error shape above: non-field errors carry their code.

    A 404 says "not found" in the reader's language, never Django's "No Role matches the given query."
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, BadParameter):  # a query parameter: the same 400 as a field error
        exc = exceptions.ValidationError(exc.message_dict)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django logs it and answers 500, which the middleware makes JSON
    data = response.data
    if isinstance(data, list):  # a ValidationError raised with a message, not per field
        response.data = {"non_field_errors": data}
    elif isinstance(data, dict) and set(data) == {"detail"} and not isinstance(data["detail"], list | dict):
        code = getattr(data["detail"], "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": data["detail"], "code": code}
    return response


def is_json(response):
    return response.get("Content-Type", "").split(";")[0].strip().lower() in (
        "application/json",
        "application/problem+json",
    )


def api_errors_middleware(get_response):
    """Under /api/, an error answered by Django itself (HTML or text) gets the API's JSON error body."""

    def middleware(request):
        response = get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not response.streaming
            and not is_json(response)
            # DRF answers in the format asked for: the browsable API's HTML error page stays.
            and getattr(response, "accepted_renderer", None) is None
        ):
            response.content = json.dumps(error_body(response.status_code), ensure_ascii=False).encode()
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

    return middleware
