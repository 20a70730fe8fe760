"""The Django admin is for platform operators (superusers); organizations manage themselves in
the application's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Department, Organization, Role, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "currency", "is_active", "created_at"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(TreeAdmin):
    form = movenodeform_factory(Department)
    list_display = ["name", "org"]
    list_filter = ["org"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "org"]
    list_filter = ["org"]


@admin.register(User)
class EmployeeAdmin(UserAdmin):
    list_display = ["username", "full_name", "org", "department", "position", "is_active"]
    list_filter = ["org", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Profile"), {"fields": ["full_name", "email", "phone", "position", "org", "department", "roles"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]
