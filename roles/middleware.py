"""Request middleware of the catalogue."""

from django.shortcuts import render

from . import dated
from .reading import BadParameter


def apply_due_changes_middleware(get_response):
    """Bring the present tree in step with the dated changes in force today, once per process and
    day: a change scheduled for tomorrow is in force tomorrow with no job for anyone to run."""

    def middleware(request):
        dated.apply_due_once_a_day()
        return get_response(request)

    return middleware


def bad_parameter_middleware(get_response):
    """A page asked with a query parameter it cannot read (reading.BadParameter) answers 400 with
    the reason in the reader's language; the API shapes the same error itself (api/errors.py)."""

    def middleware(request):
        return get_response(request)

    def process_exception(request, exception):
        if isinstance(exception, BadParameter) and not request.path.startswith("/api/"):
            messages = [message for field in exception.message_dict.values() for message in field]
            return render(request, "400.html", {"messages": messages}, status=400)
        return None

    middleware.process_exception = process_exception
    return middleware
