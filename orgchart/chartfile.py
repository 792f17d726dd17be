"""Work in progress (issue 4)."""


def chart_file(request, fmt):
    raise NotImplementedError
