"""Work in progress (issue 4)."""


def role_docx(request, slug):
    raise NotImplementedError


def catalogue_xlsx(request):
    raise NotImplementedError
