"""Work in progress (issue 4)."""


def role_pdf(request, slug):
    raise NotImplementedError
