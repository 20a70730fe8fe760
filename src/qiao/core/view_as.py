"""View-as (PERM-13): an administrator sees the system exactly as an employee does, read-only, and
every page they open that way is recorded."""

from django.http import HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ViewAsSession

SESSION_KEY = "view_as"


def stop_view_as(request) -> None:
    session_id = request.session.pop(SESSION_KEY, None)
    if session_id:
        ViewAsSession.objects.filter(pk=session_id, ended_at__isnull=True).update(ended_at=timezone.now())


class ViewAsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if session_id and request.user.is_authenticated:
            view_as = (
                ViewAsSession.objects.select_related("viewed_as__org", "viewed_as__department")
                .filter(pk=session_id, admin=request.user, ended_at__isnull=True)
                .first()
            )
            if view_as is None or not request.user.has_code("access.explain"):
                request.session.pop(SESSION_KEY, None)
            else:
                return self._as(request, view_as)
        return self.get_response(request)

    def _as(self, request, view_as: ViewAsSession):
        # While viewing as someone, the only writes are stopping, logging out, changing language.
        allowed_paths = {reverse(name) for name in ("view_as_stop", "logout", "set_language")}
        if request.method not in {"GET", "HEAD", "OPTIONS"} and request.path not in allowed_paths:
            return HttpResponseForbidden(
                render_to_string(
                    "error_page.html",
                    {
                        "error_code": 403,
                        "error_title": _("Read-only"),
                        "error_text": _(
                            "You are viewing Qiao as %(name)s; nothing can be changed. Stop viewing as them first."
                        )
                        % {"name": view_as.viewed_as.get_full_name()},
                    },
                    request=request,
                )
            )
        if request.path not in allowed_paths:
            request.viewing_as = view_as
            request.real_user = request.user
            request.user = view_as.viewed_as
            ViewAsSession.objects.filter(pk=view_as.pk).update(pages=[*view_as.pages[-199:], request.get_full_path()])
        return self.get_response(request)
