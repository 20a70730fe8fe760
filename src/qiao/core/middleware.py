import zoneinfo

from django.utils import timezone


class OrganizationTimezoneMiddleware:
    """Times are stored in UTC and shown in the organization's time zone (Asia/Shanghai default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.org_id:
            timezone.activate(zoneinfo.ZoneInfo(user.org.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
