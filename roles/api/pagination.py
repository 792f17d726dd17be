"""Page numbers as the schema states them: `?page=N`, N a whole number from 1; anything else is a 404."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """DRF's page numbers without its leniencies: `?page=` is not the first page, `?page=last` not the last
    one, and `?page=+2` or `?page=٢` (Python's int() reads both) are not page 2. Each is the 404 of a page
    that does not exist, as `?page=0` and a page past the end are."""

    last_page_strings = ()

    def get_page_number(self, request, paginator):
        if self.page_query_param not in request.query_params:
            return 1
        number = request.query_params[self.page_query_param]
        # Not a page: the paginator refuses it as it refuses 0.
        return number if number.isascii() and number.isdigit() else 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
