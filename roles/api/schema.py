"""Every operation declares the error responses it can give, with the body it gives them in."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer, FieldErrorsSerializer

ERRORS = {
    "400": (FieldErrorsSerializer, "The request is invalid: a list of messages per field."),
    "401": (ErrorSerializer, "Not logged in: send a session cookie or an `Authorization: Token …` header."),
    "403": (ErrorSerializer, "Logged in, but not allowed to do this."),
    "404": (ErrorSerializer, "No such object, or not one the reader may see."),
    "409": (ErrorSerializer, "The change conflicts with the role tree: subordinates or people would be left behind."),
}


class ErrorsAutoSchema(AutoSchema):
    """Adds 400/401/403/404/409 to each operation where they can happen.

    A view can narrow the list with `error_codes = {...}` or per action with
    `error_codes_by_action = {"list": {...}}`.
    """

    def _error_codes(self):
        view = self.view
        by_action = getattr(view, "error_codes_by_action", {})
        action = getattr(view, "action", None)
        if action in by_action:
            return by_action[action]
        codes = set(getattr(view, "error_codes", {"401", "403"}))
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add("400")
        if "{" in self.path:
            codes.add("404")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_codes()):
            if code in responses:
                continue
            serializer, description = ERRORS[code]
            response = self._get_response_for_code(
                OpenApiResponse(serializer, description=description), code, direction=direction
            )
            responses[code] = response
        return responses
