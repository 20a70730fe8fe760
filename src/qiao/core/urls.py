from django.urls import include, path

from . import record_views, views

urlpatterns = [
    path("", views.workbench_view, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
    path("system/", views.system_status, name="system_status"),
    path("system/test-task/", views.system_send_test_task, name="system_send_test_task"),
    path("system/tasks/<str:task_id>/", views.system_task_state, name="system_task_state"),
    path("recycle-bin/", record_views.recycle_bin_page, name="recycle_bin"),
    path(
        "recycle-bin/<str:type_code>/<int:pk>/<str:action>/", record_views.recycle_bin_action, name="recycle_bin_action"
    ),
    path("access/explain/", record_views.explain_page, name="explain"),
    path("access/explain/viewers/", record_views.explain_viewers, name="explain_viewers"),
    path("access/view-as/", record_views.view_as_start, name="view_as_start"),
    path("access/view-as/stop/", record_views.view_as_stop, name="view_as_stop"),
    path("imports/", include("qiao.core.imports.urls")),
]
