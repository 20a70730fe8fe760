"""Organizations (tenants), their department trees (ORG-1), employees (ORG-2) and roles (ORG-3)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from qiao.core.permissions import org_records, scopes_of


class Organization(models.Model):
    """A tenant. Nothing ever crosses organizations."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    @property
    def root_department(self) -> "Department":
        return Department.objects.get_root_nodes().get(org=self)


class DepartmentQuerySet(MP_NodeQuerySet):
    def visible_to(self, user, action: str = "view"):
        return org_records(self, user, action)


class DepartmentManager(MP_NodeManager):
    def get_queryset(self):
        return DepartmentQuerySet(self.model).order_by("path")

    def visible_to(self, user, action: str = "view"):
        return self.get_queryset().visible_to(user, action)


class Department(MP_Node):
    """One node of an organization's department tree. The materialized path makes a subtree one
    indexed prefix test (`path LIKE 'x%'`), which the permission engine relies on."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # No `node_order_by`: sorted insertion renumbers the following siblings' paths, and since every
    # organization's root is a root node, creating an organization would rewrite other tenants'
    # trees. Departments keep the order in which they were added.
    objects = DepartmentManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        indexes = [models.Index(fields=["org", "path"])]

    def __str__(self) -> str:
        return self.name


class RoleQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        return org_records(self, user, action)


class Role(models.Model):
    """A named bundle of function permissions (codes such as `org.manage`) and data scopes
    (`{"customer": {"view": "owner_department", ...}}`, SPEC API-5)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    permissions = models.JSONField(_("function permissions"), default=list, blank=True)
    data_scopes = models.JSONField(_("data scopes"), default=dict, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="role_name_unique_in_org")]

    def __str__(self) -> str:
        return self.name


class EmployeeQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        return org_records(self, user, action)


class EmployeeManager(UserManager.from_queryset(EmployeeQuerySet)):
    pass


class User(AbstractUser):
    """An employee (ORG-2). Platform operators (Django superusers made with `createsuperuser`)
    have no organization and therefore see no business data."""

    first_name = None
    last_name = None
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="employees", null=True, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="employees",
        null=True,
        blank=True,
    )
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9][0-9 ()-]{4,30}$", _("Enter a phone number of digits, spaces and dashes."))
        ],
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), related_name="users", blank=True)

    objects = EmployeeManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["org", "department"])]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def has_code(self, code: str) -> bool:
        """Whether any of the employee's roles grants the function permission `code` (ORG-3)."""
        return code in scopes_of(self).codes
