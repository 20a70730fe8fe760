from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from qiao.org.services import require_code

from . import health, tasks, workbench

TEST_TASKS_SESSION_KEY = "qiao_test_tasks"


@login_required
def workbench_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workbench.html", {"widgets": workbench.widgets_for(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database and the broker answer, else 503.
    Errors are not echoed, so the endpoint reveals nothing about the deployment."""
    database_error = health.check_database()
    broker_error = health.check_broker()
    body = {
        "status": "ok" if not (database_error or broker_error) else "error",
        "database": "ok" if not database_error else "error",
        "broker": "ok" if not broker_error else "error",
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@login_required
def system_status(request: HttpRequest) -> HttpResponse:
    require_code(request.user, "org.manage")
    return render(
        request,
        "core/system.html",
        {
            "database_error": health.check_database(),
            "broker_error": health.check_broker(),
            "tasks": [AsyncResult(task_id) for task_id in request.session.get(TEST_TASKS_SESSION_KEY, [])],
        },
    )


@login_required
@require_POST
def system_send_test_task(request: HttpRequest) -> HttpResponse:
    """Sends a ping to the worker; the page then polls its state until the result arrives."""
    require_code(request.user, "org.manage")
    result = tasks.ping.delay(_("Hello from %(name)s") % {"name": request.user.get_full_name()})
    recent = [result.id, *request.session.get(TEST_TASKS_SESSION_KEY, [])][:5]
    request.session[TEST_TASKS_SESSION_KEY] = recent
    return render(request, "core/_task_row.html", {"task": AsyncResult(result.id)})


@login_required
def system_task_state(request: HttpRequest, task_id: str) -> HttpResponse:
    require_code(request.user, "org.manage")
    # Only tasks this session sent: results of other tenants' work must not be readable here.
    if task_id not in request.session.get(TEST_TASKS_SESSION_KEY, []):
        raise Http404
    return render(request, "core/_task_row.html", {"task": AsyncResult(task_id)})


def _error_page(request, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request,
        "error_page.html",
        {"error_code": status, "error_title": title, "error_text": text},
        status=status,
    )


def permission_denied(request, exception=None):
    return _error_page(
        request,
        403,
        _("Not allowed"),
        _("Your roles do not allow this action. Ask your administrator if you need it."),
    )


def page_not_found(request, exception=None):
    return _error_page(
        request,
        404,
        _("Not found"),
        _("There is nothing here, or it is not visible to you."),
    )


def bad_request(request, exception=None):
    return _error_page(request, 400, _("Bad request"), _("The request could not be understood."))


def server_error(request):
    return _error_page(
        request,
        500,
        _("Something went wrong"),
        _("The error was recorded. Nothing you entered was half-saved; please try again."),
    )
