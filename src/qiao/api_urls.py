"""Everything under /api/v1/ (SPEC API-1). Each app contributes its viewsets to one router."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle

from qiao.org.api import DepartmentViewSet, UserViewSet


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class ObtainToken(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}` (API-2), throttled against guessing."""

    throttle_classes = [TokenThrottle]


router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api_token"),
    path("", include(router.urls)),
]
