import zoneinfo

from django.utils import timezone


def activate_time_zone_of(user) -> None:
    """Show times in the user's organization's time zone, or in the default one."""
    if user is not None and user.is_authenticated and user.org_id:
        timezone.activate(zoneinfo.ZoneInfo(user.org.time_zone))
    else:
        timezone.deactivate()


class OrganizationTimezoneMiddleware:
    """Times are stored in UTC and shown in the organization's time zone (Asia/Shanghai default).
    An API token is read after the middleware, by DRF: its authentication activates the zone
    (core/authentication.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_time_zone_of(getattr(request, "user", None))
        return self.get_response(request)
