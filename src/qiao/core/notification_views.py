"""The notifications of the signed-in employee: the bell in the page header (loaded after the page,
so no page waits for it), the full list, marking read; and the same through the API."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import notifications
from .models import Notification

BELL_SIZE = 8


@login_required
def bell(request):
    """The header's bell: the unread count and the newest few (htmx fragment)."""
    inbox = notifications.inbox(request.user)
    latest = notifications.with_links(request.user, inbox[:BELL_SIZE])
    return render(
        request,
        "core/_notification_bell.html",
        {"unread": notifications.unread_count(request.user), "latest": latest},
    )


@login_required
def notification_list(request):
    page = Paginator(notifications.inbox(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page": page, "rows": notifications.with_links(request.user, page.object_list)},
    )


def _own(request, pk: int) -> Notification:
    found = notifications.inbox(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def notification_open(request, pk: int):
    """Marks the notification read and opens its record (or the list, when there is none to open)."""
    notification = notifications.notification_mark_read(user=request.user, notification=_own(request, pk))
    (row,) = notifications.with_links(request.user, [notification])
    return redirect(row.url or "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    notifications.notification_mark_all_read(user=request.user)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else "notifications:list")


# --- API: /api/v1/notifications/ ------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text=_("The message, in the request's language."))
    target_type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("The record's page, while you can open it."))

    class Meta:
        model = Notification
        fields = ["id", "verb", "text", "actor", "target_type", "target_id", "url", "created_at", "read_at"]
        read_only_fields = fields

    def get_text(self, row) -> str:
        return row.text

    def get_target_type(self, row) -> str | None:
        return row.target_type.model if row.target_type_id else None

    def get_url(self, row) -> str | None:
        return row.url


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notifications, newest first; `?unread=1` for the unread ones."""

    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = notifications.inbox(self.request.user).select_related("target_type")
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return notifications.with_links(self.request.user, page if page is not None else queryset)

    def get_object(self):
        (row,) = notifications.with_links(self.request.user, [super().get_object()])
        return row

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = notifications.notification_mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notifications.with_links(request.user, [row])[0]).data)

    @extend_schema(request=None, responses={200: None})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications.notification_mark_all_read(user=request.user)})
