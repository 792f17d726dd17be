"""Work in progress (issue 4)."""


def handbook_pdf(request):
    raise NotImplementedError


def handbook_status(request, task_id):
    raise NotImplementedError


def handbook_download(request, task_id):
    raise NotImplementedError
