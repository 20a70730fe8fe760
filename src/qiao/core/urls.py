from django.urls import path

from . import views

urlpatterns = [
    path("", views.workbench_view, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
    path("system/", views.system_status, name="system_status"),
    path("system/test-task/", views.system_send_test_task, name="system_send_test_task"),
    path("system/tasks/<str:task_id>/", views.system_task_state, name="system_task_state"),
]
