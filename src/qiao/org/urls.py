from django.urls import path

from . import role_views, views

app_name = "org"
urlpatterns = [
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/add/", views.employee_edit, name="employee_add"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/handover/", views.employee_handover, name="employee_handover"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/add/", views.department_edit, name="department_add"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("roles/", role_views.role_list, name="role_list"),
    path("roles/add/", role_views.role_edit, name="role_add"),
    path("roles/<int:pk>/edit/", role_views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", role_views.role_delete, name="role_delete"),
]
