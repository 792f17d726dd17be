"""The OpenAPI schema states what the server does, so that clients generated from it and fuzzers agree with it.

ErrorsAutoSchema (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds to what drf-spectacular infers:

- every error status an operation can answer, with its body (roles/api/errors.py): 400 where a
  body or a query is validated, 401/403, 404 on paths with an id and on paginated lists (a page
  that does not exist), 409 where the tree refuses, 414 where a query is read (the web server's
  answer to an over-long one), 415 where a body is read;
- `security` with an empty alternative `{}` on operations an anonymous reader may call, found by
  asking the view's own permission classes about an anonymous request;
- `additionalProperties: false` on request bodies whose serializer refuses unknown fields;
- fields some readers may not see (a HidingSerializer's pay and internal fields) never required in a
  response, even when a write requires them (a pay grade's band);
- decimal fields as the strings the server accepts (digits, a point, the places), within their bounds.
"""

from django.http import HttpRequest
from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request

from .serializers import ErrorSerializer, FieldErrorsSerializer, HidingSerializer, RejectUnknownFields, decimal_pattern

ERRORS = {
    "400": (
        FieldErrorsSerializer,
        "The request is invalid: a list of messages per field, errors about the whole request under "
        "`non_field_errors`. Also for a body the schema allows but the catalogue refuses: an id that is "
        "no department, grade, role or pay scheme, a slug or code another record already has, a superior "
        "that would make a cycle, KPI weights above 100 %.",
    ),
    "401": (
        ErrorSerializer,
        "Not logged in, or the token is wrong: send `Authorization: Token …` or a session cookie.",
    ),
    "403": (ErrorSerializer, "Logged in, but not allowed to do this."),
    "404": (ErrorSerializer, "No such object, or not one the reader may see."),
    "409": (ErrorSerializer, "The change conflicts with the role tree: subordinates or people would be left behind."),
    "414": (
        None,
        "The path and query are longer than the web server in front of the app accepts (gunicorn: a request "
        "line of 4094 bytes), so it answers before the API: the body is its page, not JSON.",
    ),
    "415": (ErrorSerializer, "The body is not JSON: send `Content-Type: application/json`."),
}
LIST_404 = "No such page: `page` is not a page number of this list (0, past the last page, not a number)."
EXAMPLES = {
    "401": {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"},
    "403": {"detail": "You do not have permission to perform this action.", "code": "permission_denied"},
    "404": {"detail": "Not found.", "code": "not_found"},
    "415": {"detail": 'Unsupported media type "text/plain" in request.', "code": "unsupported_media_type"},
}


def error_codes(*codes):
    """The error statuses a function view (@api_view, applied below this) can answer, as a class view's
    `error_codes` attribute says them."""

    def decorate(view):
        view.cls.error_codes = set(codes)
        return view

    return decorate


class ErrorsAutoSchema(AutoSchema):
    """Adds 400/401/403/404/409/414/415 to each operation where they can happen (see the module's docstring).

    A view can narrow the list with `error_codes = {...}` or per action with
    `error_codes_by_action = {"list": {...}}`.
    """

    def _is_list(self):
        return self._is_list_view() and self.method == "GET"

    def _paginated(self):
        return self._is_list() and getattr(self.view, "pagination_class", None) is not None

    def _error_codes(self):
        view = self.view
        by_action = getattr(view, "error_codes_by_action", {})
        action = getattr(view, "action", None)
        if action in by_action:
            codes = set(by_action[action])
        else:
            codes = set(getattr(view, "error_codes", {"401", "403"}))
            if self.method in ("POST", "PUT", "PATCH"):
                codes.add("400")
            if "{" in self.path:
                codes.add("404")
        if self._paginated():
            codes.add("404")
        if self._is_list():  # a query of any length can be sent
            codes.add("414")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add("415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_codes()):
            if code in responses:
                continue
            serializer, description = ERRORS[code]
            if code == "404" and self._paginated() and "{" not in self.path:
                description = LIST_404
            example = [OpenApiExample(code, value=EXAMPLES[code])] if code in EXAMPLES else []
            if serializer is None:  # answered before the app: no body of ours
                response = {"description": description}
            else:
                response = self._get_response_for_code(
                    OpenApiResponse(serializer, description=description, examples=example), code, direction=direction
                )
            responses[code] = response
        return responses

    def get_auth(self):
        """The authentication schemes, and `{}` when the view's permissions let an anonymous reader in."""
        auths = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self):
        request = HttpRequest()
        request.method = self.method
        anonymous = Request(request, authenticators=())  # no credentials: request.user is AnonymousUser
        return all(permission.has_permission(anonymous, self.view) for permission in self.view.get_permissions())

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, RejectUnknownFields):
            schema["additionalProperties"] = False
        if direction == "response" and isinstance(serializer, HidingSerializer) and "required" in schema:
            # A field some readers may not see is absent from their responses, even one a write requires.
            hideable = {*serializer.pay_fields, *serializer.internal_fields}
            schema["required"] = [name for name in schema["required"] if name not in hideable]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            schema["pattern"], left_out = decimal_pattern(field)
            for bound in left_out:
                warn(f"{field.field_name}: the pattern of its strings leaves out its {bound}")
        return schema


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: OpenAPI links from a list and a create to the operations on one
    of their objects (`/roles/` → `/roles/{id}/`, `/roles/{id}/move/`…), so that clients and fuzzers know
    where an id comes from: `results/0/id` of a list's page, `id` of a created object."""
    paths = result.get("paths", {})
    for collection, operations in paths.items():
        if "{" in collection:
            continue
        targets = {
            operation["operationId"]: operation
            for path, item in paths.items()
            if path.startswith(f"{collection}{{id}}/")
            for operation in item.values()
        }
        sources = [("get", "200", "$response.body#/results/0/id"), ("post", "201", "$response.body#/id")]
        for method, status, id_expression in sources:
            response = operations.get(method, {}).get("responses", {}).get(status)
            if response is None or not targets:
                continue
            response["links"] = {
                operation_id: {
                    "operationId": operation_id,
                    "parameters": {"id": id_expression},
                    "description": operation.get("summary", ""),
                }
                for operation_id, operation in sorted(targets.items())
            }
    return result
