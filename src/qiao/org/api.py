"""`/api/v1/departments/` and `/api/v1/users/` (SPEC API-5)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qiao.core import permissions as core_permissions
from qiao.core.viewsets import OrgRelatedField

from . import services
from .models import Department, Role, User


class DepartmentSerializer(serializers.ModelSerializer):
    parent = OrgRelatedField(queryset=Department.objects, allow_null=True, required=False)
    depth = serializers.IntegerField(read_only=True)
    employee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "parent", "depth", "employee_count"]

    def to_representation(self, department):
        data = super().to_representation(department)
        data["parent"] = department.parent_pk
        return data


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    department = OrgRelatedField(queryset=Department.objects)
    roles = OrgRelatedField(queryset=Role.objects, many=True, required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "email",
            "phone",
            "position",
            "department",
            "roles",
            "is_active",
        ]


class HandoverSerializer(serializers.Serializer):
    """ORG-6: who takes over, and whether the leaving employee is deactivated afterwards."""

    successor = OrgRelatedField(queryset=User.objects)
    deactivate = serializers.BooleanField(default=False)


class HandoverKindSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class HandoverSummarySerializer(serializers.Serializer):
    will_move = HandoverKindSerializer(many=True)


class HandoverResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField()


def _with_parent_pk(departments):
    """Adds `parent_pk` to each department from the materialized paths, without a query per row."""
    departments = list(departments)
    steplen = Department.steplen
    wanted_paths = {d.path[:-steplen] for d in departments if d.depth > 1}
    by_path = dict(Department.objects.filter(path__in=wanted_paths).values_list("path", "pk"))
    for department in departments:
        department.parent_pk = by_path.get(department.path[:-steplen]) if department.depth > 1 else None
    return departments


class ManagesOrganizationOrReadOnly(permissions.BasePermission):
    """Everyone in the organization reads departments and employees (the address book, ORG-5);
    writing needs `org.manage`. The check does not depend on the record, so it reveals nothing."""

    message = _("You do not have the permission to manage the organization.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.has_code("org.manage")


class DepartmentViewSet(viewsets.ModelViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesOrganizationOrReadOnly]
    search_fields = ["name"]
    ordering_fields = ["path", "name"]
    filterset_fields = ["depth"]

    def get_queryset(self):
        return Department.objects.visible_to(self.request.user).annotate(employee_count=Count("employees"))

    def get_object(self):
        return _with_parent_pk([super().get_object()])[0]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return _with_parent_pk(page) if page is not None else None

    def perform_create(self, serializer):
        parent = serializer.validated_data.get("parent") or self.request.user.org.root_department
        department = services.department_create(
            actor=self.request.user, parent=parent, name=serializer.validated_data["name"]
        )
        serializer.instance = self.get_queryset().get(pk=department.pk)
        serializer.instance.parent_pk = parent.pk

    def perform_update(self, serializer):
        department = services.department_update(
            actor=self.request.user,
            department=serializer.instance,
            name=serializer.validated_data.get("name"),
            parent=serializer.validated_data.get("parent"),
        )
        serializer.instance = _with_parent_pk([self.get_queryset().get(pk=department.pk)])[0]

    def perform_destroy(self, department):
        services.department_delete(actor=self.request.user, department=department)


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Employees. There is no DELETE: an employee who leaves is deactivated and keeps their records (ORG-2)."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesOrganizationOrReadOnly]
    search_fields = ["username", "full_name", "phone", "position", "email"]
    ordering_fields = ["username", "full_name", "date_joined"]
    filterset_fields = ["department", "is_active"]

    def get_queryset(self):
        return (
            User.objects.visible_to(self.request.user)
            .select_related("department")
            .prefetch_related("roles")
            .order_by("pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if not data.get("password"):
            raise serializers.ValidationError({"password": [_("This field is required.")]})
        serializer.instance = services.employee_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", None)
        user = services.employee_update(actor=self.request.user, employee=serializer.instance, **data)
        if password:
            services.employee_set_password(actor=self.request.user, employee=user, password=password)
        serializer.instance = user

    @extend_schema(methods=["GET"], responses=HandoverSummarySerializer)
    @extend_schema(methods=["POST"], request=HandoverSerializer, responses=HandoverResultSerializer)
    @action(detail=True, methods=["get", "post"], serializer_class=HandoverSerializer)
    def handover(self, request, pk=None):
        """ORG-6, as on the handover page: GET says what would move now (records the employee owns,
        by type, and their upcoming activities); POST moves all of it to `successor` in one step."""
        services.require_code(request.user, "org.manage")
        leaving = self.get_object()
        if request.method == "GET":
            summary = services.handover_summary(leaving)
            return Response(
                {"will_move": [{"type": code, "label": str(label), "count": n} for code, label, n in summary]}
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = services.employee_handover(actor=request.user, leaving=leaving, **serializer.validated_data)
        return Response({"moved": moved})


class RoleSerializer(serializers.ModelSerializer):
    """`permissions` is a list of codes (`GET /api/v1/permissions/`); `data_scopes` is
    `{"customer": {"view": "owner_department", "edit": "owner", "delete": "none"}, …}`, and for
    `activity` also `"owned_objects"` and `"visible_objects"` (API-5)."""

    permissions = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    data_scopes = serializers.DictField(child=serializers.DictField(), required=False)

    class Meta:
        model = Role
        fields = ["id", "name", "description", "permissions", "data_scopes"]

    def validate_permissions(self, codes):
        unknown = sorted({code for code in codes if not core_permissions.is_known(code)})
        if unknown:
            raise serializers.ValidationError(_("Unknown permission codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        return sorted(set(codes))

    def validate_data_scopes(self, data_scopes):
        return services.validate_data_scopes(data_scopes)


class RoleViewSet(viewsets.ModelViewSet):
    serializer_class = RoleSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesOrganizationOrReadOnly]
    search_fields = ["name"]

    def get_queryset(self):
        return Role.objects.visible_to(self.request.user).order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = services.role_save(actor=self.request.user, role=None, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.role_save(
            actor=self.request.user, role=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, role):
        services.role_delete(actor=self.request.user, role=role)
