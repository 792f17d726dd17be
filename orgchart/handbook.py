"""The handbook (岗位手册): cover, contents, the org chart and every published job description, as one PDF.

A few hundred pages take WeasyPrint tens of seconds and hundreds of MiB, so the web request
never renders it: /handbook.pdf starts a background task (django-tasks; `manage.py db_worker`
runs it) or joins one already running for the same language, audience and day, and redirects to a
status page that refreshes itself until the download link appears. `manage.py export_handbook`
renders the same document in the foreground.
"""

import base64
import logging
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.exceptions import TaskResultDoesNotExist

from roles import permissions
from roles.exports import pdfparts
from roles.exports.pdf import JD_STYLESHEETS, jd_context
from roles.exports.pdfengine import PDF_CONTENT_TYPE, PdfError, describe, page_css, render_pdf, safe_filename
from roles.reading import Audience, RoleReader, requested_day
from shopconfig.downloads import atomic_write, file_download
from shopconfig.models import ShopProfile

from .models import HandbookExport
from .staffing import chart_data

logger = logging.getLogger(__name__)

# Temporary files older than this are left from a render that died, and removed.
STALE_AFTER = timedelta(minutes=10)
# Progress is written to the database at most this often (seconds).
PROGRESS_INTERVAL = 0.5
TOC_MAX_INDENT = 8  # deeper roles are indented no further in the contents
# A handbook of more roles is laid out in parts of this many, side by side (settings.PDF_WORKERS processes):
# small parts keep each process's memory small, as WeasyPrint holds a document's every page until it is written.
ROLES_PER_PART = 12
HANDBOOK_STYLESHEETS = (*JD_STYLESHEETS, "css/handbook_pdf.css")


class HandbookError(Exception):
    """The handbook cannot be made; the message is written for the person who asked for it."""


# ----------------------------------------------------------------------------- rendering


def org_chart_image(reader, roles):
    """The chart of these roles as this reader sees them, as an SVG data: URL (WeasyPrint draws it as vectors), or None."""
    try:
        from .chartfile.svg import chart_svg
    except ImportError:  # the chart export is optional for the handbook
        return None
    svg = chart_svg(chart_data(reader, roles), _("Org chart"))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def build_handbook(
    target, *, language, with_pay=False, root_slug="", progress=None, url_fetcher=None, as_of=None, workers=None
):
    """Write the handbook PDF to the binary file object `target`; return (roles, pages).

    Only published roles are printed, for every reader; `with_pay` adds the pay sections and
    KPI weights (for readers who may see pay). `as_of` (a past day) prints the job descriptions
    and the chart as in force at the end of that day. `progress(step, page)` is told how far it got.
    `workers`: processes laying it out side by side (default settings.PDF_WORKERS; 1: in one piece).
    """
    progress = progress or (lambda step, page=None: None)
    with translation.override(language):
        progress(HandbookExport.Step.COLLECTING)
        shop = ShopProfile.load()
        audience = Audience.printed(shop, with_pay=with_pay)
        reader = RoleReader(audience, as_of=as_of)
        roles, root = reader.roles(), None
        if root_slug:
            root = roles.filter(slug=root_slug).first()
            if root is None:
                raise HandbookError(_("There is no published role “%(slug)s”.") % {"slug": root_slug})
            roles = reader.branch(roles, root)
        printed = reader.load(reader.job_descriptions().filter(pk__in=roles.values("pk")).order_by("tree_id", "lft"))
        printed.sort(key=lambda role: (role.tree_id, role.lft))  # a day's tree order (the same order for today)
        if not printed:
            raise HandbookError(_("There are no published roles to put in the handbook."))
        for role in printed:
            role.toc_indent = min(role.depth, TOC_MAX_INDENT) * 4
        if root is not None:  # the cover names it as it is printed (an approved title)
            root = printed[0]
        progress(HandbookExport.Step.CHART)
        title = _("Job description handbook")
        context = jd_context(printed, audience, shop=shop, title=f"{shop.company_name} · {title}", as_of=reader.as_of)
        context.update({"handbook_title": title, "root": root, "chart_image": org_chart_image(reader, roles)})
        pdf = {"stylesheets": HANDBOOK_STYLESHEETS, "url_fetcher": url_fetcher, "progress": progress}
        workers = settings.PDF_WORKERS if workers is None else workers
        if len(printed) > ROLES_PER_PART and pdfparts.available(workers):
            try:
                return len(printed), _render_in_parts(context, workers, target, **pdf).pages
            except pdfparts.Repaginated:
                logger.warning("The handbook's contents changed length with their page numbers: rendered in one piece")
        html = render_to_string("orgchart/handbook_pdf.html", context)
        rendered = render_pdf(html, target, css=[page_css()], **pdf)
    return len(printed), rendered.pages


def _render_in_parts(context, workers, target, **pdf):
    """The handbook laid out by `workers` processes side by side (roles/exports/pdfparts.py): the chart, the
    job descriptions in runs of ROLES_PER_PART; the cover and contents by this process."""
    printed = context["roles"]

    def front(page_of):
        for role in printed:
            role.toc_page = page_of(f"role-{role.slug}")
        chart_page = page_of("org-chart") if context["chart_image"] else None
        return part("front", chart_page=chart_page)

    def part(kind, **more):
        return render_to_string("orgchart/handbook_pdf.html", {**context, "part": kind, **more})

    parts = [pdfparts.Part(part("chart"), page="chart")] if context["chart_image"] else []
    parts += [
        pdfparts.Part(part("roles", roles=printed[i : i + ROLES_PER_PART]))
        for i in range(0, len(printed), ROLES_PER_PART)
    ]
    try:
        return pdfparts.render_in_parts(front, parts, target, lang=context["html_lang"], workers=workers, **pdf)
    finally:  # a book made again in one piece reads its numbers with target-counter()
        for role in printed:
            role.toc_page = None


def handbook_filename(*, root_title="", date=None):
    """E.g. 示例电子商务有限公司-岗位手册-2026-11-27.pdf (with the top role's title for a branch)."""
    date = date or timezone.localdate()
    return safe_filename(ShopProfile.load().company_name, _("Job description handbook"), root_title, date.isoformat())


# ----------------------------------------------------------------------------- the task


class _ProgressWriter:
    """Saves the task's progress on its export row, throttled so layout is not slowed down."""

    def __init__(self, export):
        self.export = export
        self.last = 0.0

    def __call__(self, step, page=None):
        now = time.monotonic()
        if step == HandbookExport.Step.LAYOUT and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        HandbookExport.objects.filter(pk=self.export.pk).update(step=step, page=page, updated_at=timezone.now())


@task(takes_context=True)
def build_handbook_task(context, language, with_pay, root_slug, as_of=None):
    """Background task: render the handbook into EXPORTS_ROOT, recording progress and the outcome.

    `as_of` is the day as YYYY-MM-DD (task arguments are JSON), or None for today's catalogue.
    """
    day = date.fromisoformat(as_of) if as_of else None
    export, _created = HandbookExport.objects.get_or_create(
        task_id=context.task_result.id,
        defaults={"language": language, "with_pay": with_pay, "root_slug": root_slug, "as_of": day},
    )
    HandbookExport.objects.filter(pk=export.pk).update(status=HandbookExport.Status.RUNNING, updated_at=timezone.now())
    try:
        with atomic_write(export.path) as handle:
            roles_count, pages = build_handbook(
                handle,
                language=language,
                with_pay=with_pay,
                root_slug=root_slug,
                progress=_ProgressWriter(export),
                as_of=day,
            )
    except BaseException as error:
        with translation.override(language):
            if isinstance(error, PdfError | HandbookError):
                message = str(error)
            elif isinstance(error, OSError):  # disk full, export folder not writable
                message = _("The file could not be saved: %(error)s.") % {"error": describe(error)}
            else:
                message = _("Unexpected error (%(error)s); the server log has the details.") % {
                    "error": describe(error)
                }
        logger.exception("Handbook export %s failed", export.task_id)
        HandbookExport.objects.filter(pk=export.pk).update(
            status=HandbookExport.Status.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
        )
        raise
    size = export.path.stat().st_size
    HandbookExport.objects.filter(pk=export.pk).update(
        status=HandbookExport.Status.DONE,
        step=HandbookExport.Step.DONE,
        page=None,
        roles_count=roles_count,
        pages=pages,
        size=size,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    _remove_older_copies(export)
    return {"roles": roles_count, "pages": pages, "size": size}


def _remove_older_copies(export):
    """A newer handbook of the same kind and day replaces the older files (the exports folder stays small)."""
    older = HandbookExport.objects.filter(
        language=export.language,
        with_pay=export.with_pay,
        root_slug=export.root_slug,
        as_of=export.as_of,
        status__in=[HandbookExport.Status.DONE, HandbookExport.Status.FAILED],
        created_at__lt=export.created_at,
    )
    for old in older:
        old.path.unlink(missing_ok=True)
    older.delete()
    fail_stopped_exports()
    stale = timezone.now() - STALE_AFTER
    for part in Path(settings.EXPORTS_ROOT).glob(".handbook-*.part"):
        if part.stat().st_mtime < stale.timestamp():
            part.unlink(missing_ok=True)


def fail_stopped_exports():
    """Mark the exports whose task died failed (HandbookExportQuerySet.stopped), and remove their partial files."""
    now = timezone.now()
    for export in HandbookExport.objects.stopped(now):
        failed = (
            HandbookExport.objects.stopped(now)
            .filter(pk=export.pk)
            .update(  # unless it has just moved on
                status=HandbookExport.Status.FAILED,
                error=_("The export stopped without finishing."),
                finished_at=now,
                updated_at=now,
            )
        )
        for part in export.partial_files() if failed else ():
            part.unlink(missing_ok=True)


def start_handbook(*, language, with_pay, root_slug="", as_of=None, user=None):
    """Join an unfinished export of the same handbook and day, or enqueue a new one; return its HandbookExport.

    `as_of` is the day to print (RoleReader.as_of: None for today's catalogue).
    """
    kind = {"language": language, "with_pay": with_pay, "root_slug": root_slug, "as_of": as_of}
    fail_stopped_exports()
    running = HandbookExport.objects.unfinished().filter(**kind).first()
    if running is not None and not _task_failed(running):
        return running
    result = build_handbook_task.enqueue(language, with_pay, root_slug, as_of and as_of.isoformat())
    # The immediate backend (tests) has already run the task, which created the row.
    try:
        export, _created = HandbookExport.objects.get_or_create(
            task_id=result.id, defaults={**kind, "requested_by": user}
        )
    except IntegrityError:  # the worker created it at the same moment
        export = HandbookExport.objects.get(task_id=result.id)
    if user is not None and export.requested_by_id is None:
        HandbookExport.objects.filter(pk=export.pk).update(requested_by=user)
    return export


def _task_result(export):
    """django-tasks' own record of the task, when the backend keeps one (the database backend does)."""
    try:
        return build_handbook_task.get_result(export.task_id)
    except (NotImplementedError, TaskResultDoesNotExist):
        return None


def _task_failed(export):
    """Mark an unfinished export failed when its task died without saying so (e.g. an import error)."""
    result = _task_result(export)
    if result is None or result.status != "FAILED" or export.finished:
        return False
    error = result.errors[-1].exception_class_path if result.errors else ""
    export.status = HandbookExport.Status.FAILED
    export.error = _("The export task failed: %(error)s") % {"error": error}
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return True


# ----------------------------------------------------------------------------- views


def _readable_export(request, task_id):
    """The export, if this reader may see what it contains; 404 otherwise (as for a draft role)."""
    export = get_object_or_404(HandbookExport, task_id=task_id)
    if export.with_pay and not permissions.can_see_pay(request.user):
        raise Http404
    if not _published(request).exists():
        raise Http404  # a private catalogue, for visitors
    return export


def _published(request):
    """The published roles this reader may see (the handbook prints only published roles)."""
    return RoleReader(Audience.of_request(request)).roles().published()


def _root_title(request, export):
    """The title of a handbook's top role as this reader reads it on the handbook's day, or ""."""
    slug = export.root_slug
    reader = RoleReader(Audience.of_request(request), as_of=export.as_of)
    roles = reader.load(reader.cards().filter(slug=slug), superior_only=True) if slug else []
    return roles[0].title if roles else ""


def _day_printed(request, with_pay):
    """The day the handbook prints: the one this reader may read (no scheduled future for visitors),
    then the one a printed handbook reads (it prints the published catalogue, no scheduled future)."""
    day = RoleReader(Audience.of_request(request), as_of=requested_day(request.GET)).as_of
    return RoleReader(Audience.printed(request.shop, with_pay=with_pay), as_of=day).as_of


def handbook_pdf(request):
    """/handbook.pdf[?root=<slug>][&as_of=YYYY-MM-DD]: start (or join) the handbook task and show its progress."""
    with_pay = permissions.can_see_pay(request.user)
    day = _day_printed(request, with_pay)  # a bad day: BadParameter, a 400
    published = _published(request)
    root_slug = request.GET.get("root", "")
    if not published.filter(**({"slug": root_slug} if root_slug else {})).exists():
        raise Http404
    export = start_handbook(
        language=get_language(),
        with_pay=with_pay,
        root_slug=root_slug,
        as_of=day,
        user=request.user if request.user.is_authenticated else None,
    )
    return redirect("handbook-status", task_id=export.task_id)


def handbook_status(request, task_id):
    """Progress while the task runs (the page reloads itself), then the download link or the error."""
    export = _readable_export(request, task_id)
    if not export.finished:
        fail_stopped_exports()
        export.refresh_from_db()
        _task_failed(export)
    result = _task_result(export)
    waiting = export.status == HandbookExport.Status.QUEUED and timezone.now() - export.created_at > timedelta(
        seconds=30
    )
    response = render(
        request,
        "orgchart/handbook_status.html",
        {
            "export": export,
            "task_status": result.status.label if result is not None else "",
            "worker_missing": waiting,
            "root_title": _root_title(request, export),
            "retry_query": _retry_query(export),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _retry_query(export):
    """The query string that asks for the same handbook again (its top role and day), or ""."""
    params = {"root": export.root_slug, "as_of": export.as_of and export.as_of.isoformat()}
    params = {name: value for name, value in params.items() if value}
    return f"?{urlencode(params)}" if params else ""


def handbook_download(request, task_id):
    """The finished handbook's file, named with its top role and the day it prints."""
    export = _readable_export(request, task_id)
    if export.status != HandbookExport.Status.DONE or not export.path.is_file():
        raise Http404
    with translation.override(export.language):
        name = handbook_filename(
            root_title=_root_title(request, export),
            date=export.as_of or timezone.localdate(export.finished_at),
        )
    response = file_download(export.path, name, PDF_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response
