from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from qiao.customers.views_capture import public_capture
from qiao.org.forms import LoginForm, PasswordChangeStyledForm

urlpatterns = [
    path("", include("qiao.core.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeStyledForm),
        name="password_change",
    ),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("qiao.org.urls")),
    path("customers/", include("qiao.customers.urls")),
    path("f/<str:token>/", public_capture, name="capture_public"),  # LEAD-4: the public lead capture form
    path("activities/", include("qiao.activities.urls")),
    path("knowledge/", include("qiao.knowledge.urls")),
    path("opportunities/", include("qiao.sales.urls")),
    path("contracts/", include("qiao.contracts.urls")),
    path("notifications/", include("qiao.core.notification_urls")),
    path("records/", include("qiao.core.record_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("qiao.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
]

handler400 = "qiao.core.views.bad_request"
handler403 = "qiao.core.views.permission_denied"
handler404 = "qiao.core.views.page_not_found"
handler500 = "qiao.core.views.server_error"
