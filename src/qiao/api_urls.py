"""Everything under /api/v1/ (SPEC API-1). Each app contributes its viewsets to one router."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle

from qiao.activities.api import ActivityViewSet
from qiao.contracts.api import ContractViewSet
from qiao.core.api_records import (
    AttachmentViewSet,
    CommentViewSet,
    ExplainView,
    PermissionListView,
    RecycleBinViewSet,
    ViewersView,
)
from qiao.core.notification_views import NotificationViewSet
from qiao.customers.api import ContactViewSet, CustomerViewSet
from qiao.customers.api_leads import DailyTargetViewSet, LeadViewSet, PoolViewSet, ReferralRewardViewSet
from qiao.customers.views_duplicates import DuplicateCheckView
from qiao.customers.views_map import CustomerMapView
from qiao.knowledge.api import ArticleViewSet, CategoryViewSet, KnowledgeLinkViewSet
from qiao.org.api import DepartmentViewSet, RoleViewSet, UserViewSet
from qiao.sales.api import CompetitorViewSet, OpportunityViewSet, StageViewSet


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class ObtainToken(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}` (API-2), throttled against guessing."""

    throttle_classes = [TokenThrottle]


router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("users", UserViewSet, basename="user")
router.register("roles", RoleViewSet, basename="role")
router.register("customers", CustomerViewSet, basename="customer")
router.register("leads", LeadViewSet, basename="lead")
router.register("pool", PoolViewSet, basename="pool")
router.register("referral-rewards", ReferralRewardViewSet, basename="referral-reward")
router.register("daily-targets", DailyTargetViewSet, basename="daily-target")
router.register("contacts", ContactViewSet, basename="contact")
router.register("activities", ActivityViewSet, basename="activity")
router.register("comments", CommentViewSet, basename="comment")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("recycle-bin", RecycleBinViewSet, basename="recycle-bin")
router.register("knowledge/articles", ArticleViewSet, basename="knowledge-article")
router.register("knowledge/categories", CategoryViewSet, basename="knowledge-category")
router.register("knowledge/links", KnowledgeLinkViewSet, basename="knowledge-link")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("opportunity-stages", StageViewSet, basename="opportunity-stage")
router.register("competitors", CompetitorViewSet, basename="competitor")
router.register("contracts", ContractViewSet, basename="contract")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api_token"),
    path("permissions/", PermissionListView.as_view(), name="api_permissions"),
    path("access/explain/", ExplainView.as_view(), name="api_explain"),
    path("access/viewers/", ViewersView.as_view(), name="api_viewers"),
    path("duplicates/check/", DuplicateCheckView.as_view(), name="api_duplicates_check"),
    path("customers/map/", CustomerMapView.as_view(), name="api_customer_map"),
    path("", include(router.urls)),
]
