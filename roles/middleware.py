"""Request middleware of the catalogue."""

from . import dated


def apply_due_changes_middleware(get_response):
    """Before each request, bring the present tree in step with the dated changes in force today:
    a change scheduled for tomorrow is in force tomorrow with no job for anyone to run. Costs one
    indexed EXISTS query when nothing is due."""

    def middleware(request):
        dated.apply_due()
        return get_response(request)

    return middleware
