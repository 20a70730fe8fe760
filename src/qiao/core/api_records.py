"""API endpoints of the shared machinery (API-5): comments, attachments with lock/unlock, the
recycle bin, the permission codes, and explain (PERM-6, PERM-7, PERM-11, PERM-13)."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.org.models import User

from . import attachments, comments, recycle_bin
from .access import explain_record, find_record_as_system, require_explain, viewers_of
from .forms import whole_number
from .models import Attachment, Comment
from .permissions import all_codes
from .targets import dependents_visible_to, resolve_target


class TargetField(serializers.Serializer):
    target_type = serializers.CharField(max_length=100)
    target_id = serializers.IntegerField(min_value=1)

    def resolved_target(self):
        try:
            return resolve_target(
                self.context["request"].user, self.validated_data["target_type"], self.validated_data["target_id"]
            )
        except Http404 as error:
            raise serializers.ValidationError({"target_id": [_("Unknown record.")]}) from error


class CommentSerializer(TargetField, serializers.ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "target_type", "target_id", "body", "author", "created_at", "updated_at"]

    def to_representation(self, comment):
        data = super().to_representation(comment)
        data["target_type"] = comment.target_type.model
        return data


def _target_query_filter(queryset, request):
    """`?target_type=customer&target_id=5` narrows a list to one record's rows."""
    target_type, target_id = request.query_params.get("target_type"), request.query_params.get("target_id")
    if target_type or target_id:
        target = resolve_target(request.user, target_type, target_id)
        queryset = queryset.filter(target_type__model=target._meta.model_name, target_id=target.pk)
    return queryset


TARGET_PARAMETERS = [
    OpenApiParameter("target_type", str, description="customer, opportunity, …"),
    OpenApiParameter("target_id", int),
]


@extend_schema(parameters=TARGET_PARAMETERS)
class CommentViewSet(viewsets.ModelViewSet):
    serializer_class = CommentSerializer
    search_fields = ["body"]

    def get_queryset(self):
        visible = dependents_visible_to(Comment, self.request.user)
        return _target_query_filter(visible.select_related("target_type"), self.request)

    def perform_create(self, serializer):
        serializer.instance = comments.comment_add(
            actor=self.request.user, target=serializer.resolved_target(), body=serializer.validated_data["body"]
        )

    def perform_update(self, serializer):
        serializer.instance = comments.comment_edit(
            actor=self.request.user,
            comment=serializer.instance,
            body=serializer.validated_data.get("body", serializer.instance.body),
        )

    def get_serializer(self, *args, **kwargs):
        if self.action in {"update", "partial_update"}:
            kwargs["partial"] = True  # the target of a comment never changes
        return super().get_serializer(*args, **kwargs)

    def perform_destroy(self, comment):
        comments.comment_delete(actor=self.request.user, comment=comment)


class AttachmentSerializer(TargetField, serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    locked_by = serializers.PrimaryKeyRelatedField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "target_type",
            "target_id",
            "file",
            "name",
            "size",
            "locked",
            "locked_by",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = ["name", "size", "locked", "uploaded_by", "created_at"]

    def to_representation(self, attachment):
        data = super().to_representation(attachment)
        data["target_type"] = attachment.target_type.model
        return data

    def get_download_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/attachments/{attachment.pk}/download/")


@extend_schema(parameters=TARGET_PARAMETERS)
class AttachmentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AttachmentSerializer
    search_fields = ["name"]

    def get_queryset(self):
        visible = dependents_visible_to(Attachment, self.request.user)
        return _target_query_filter(visible.select_related("target_type"), self.request)

    def perform_create(self, serializer):
        serializer.instance = attachments.attachment_add(
            actor=self.request.user, target=serializer.resolved_target(), upload=serializer.validated_data["file"]
        )

    def perform_destroy(self, attachment):
        attachments.attachment_delete(actor=self.request.user, attachment=attachment)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        attachment = attachments.attachment_lock(actor=request.user, attachment=self.get_object())
        return Response(self.get_serializer(attachment).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        attachment = attachments.attachment_unlock(actor=request.user, attachment=self.get_object())
        return Response(self.get_serializer(attachment).data)

    @extend_schema(responses={200: bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file itself, after the permission check (PERM-7: anyone who can view the record)."""
        attachment = self.get_object()
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class RecycleBinEntrySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="type:id, e.g. customer:42")
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    name = serializers.CharField()
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.IntegerField(allow_null=True)


def _bin_entry(record) -> dict:
    return {
        "id": f"{record._meta.model_name}:{record.pk}",
        "target_type": record._meta.model_name,
        "target_id": record.pk,
        "name": str(record),
        "deleted_at": record.deleted_at,
        "deleted_by": record.deleted_by_id,
    }


def _split_bin_id(bin_id: str) -> tuple[str, str]:
    type_code, _sep, pk = str(bin_id).partition(":")
    return type_code, pk


class RecycleBinViewSet(viewsets.ViewSet):
    """PERM-11: what the user could delete and has been deleted; restore or purge (`DELETE`)."""

    lookup_value_regex = r"[a-z_]+:\d+"
    serializer_class = RecycleBinEntrySerializer

    @extend_schema(responses=RecycleBinEntrySerializer(many=True))
    def list(self, request):
        entries = [_bin_entry(record) for record in recycle_bin.entries(request.user)]
        return Response({"count": len(entries), "next": None, "previous": None, "results": entries})

    @extend_schema(responses=RecycleBinEntrySerializer)
    def retrieve(self, request, pk=None):
        return Response(_bin_entry(recycle_bin.find(request.user, *_split_bin_id(pk))))

    @extend_schema(request=None, responses=RecycleBinEntrySerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        type_code, record_pk = _split_bin_id(pk)
        record = recycle_bin.recycle_bin_restore(actor=request.user, type_code=type_code, pk=record_pk)
        return Response({**_bin_entry(record), "deleted_at": None})

    def destroy(self, request, pk=None):
        type_code, record_pk = _split_bin_id(pk)
        recycle_bin.recycle_bin_purge(actor=request.user, type_code=type_code, pk=record_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PermissionCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class PermissionListView(APIView):
    """Every function permission code a role can hold (ORG-3)."""

    @extend_schema(responses=PermissionCodeSerializer(many=True))
    def get(self, request):
        return Response([{"code": code.code, "label": str(code.label)} for code in all_codes()])


class ExplainSerializer(serializers.Serializer):
    view = serializers.BooleanField()
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()
    reasons = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ExplainView(APIView):
    """PERM-13: can this employee view / edit / delete this record, and why (needs `access.explain`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("user", int, required=True),
            OpenApiParameter("target_type", str, required=True),
            OpenApiParameter("target_id", int, required=True),
        ],
        responses=ExplainSerializer,
    )
    def get(self, request):
        require_explain(request.user)
        employee_id = whole_number(request.query_params.get("user"))
        employee = User.objects.visible_to(request.user).filter(pk=employee_id or 0).first()
        if employee is None:
            raise serializers.ValidationError({"user": [_("Unknown employee.")]})
        return Response(explain_record(employee, _record_to_explain(request)))


def _record_to_explain(request):
    params = request.query_params
    record = find_record_as_system(request.user, params.get("target_type", ""), params.get("target_id", ""))
    if record is None:
        raise serializers.ValidationError({"target_id": [_("Unknown record.")]})
    return record


class ViewerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    view_scope = serializers.CharField()


class ViewersSerializer(serializers.Serializer):
    active_employees = serializers.IntegerField()
    viewers = ViewerSerializer(many=True)


class ViewersView(APIView):
    """PERM-13 turned around: every active employee who can see this record, with their view scope
    for its type, as on the explain page (needs `access.explain`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("target_type", str, required=True),
            OpenApiParameter("target_id", int, required=True),
        ],
        responses=ViewersSerializer,
    )
    def get(self, request):
        require_explain(request.user)
        record = _record_to_explain(request)
        groups, employee_count = viewers_of(request.user, record)
        viewers = []
        for scope, people in groups:
            for person in people:
                person.view_scope = scope.code
                viewers.append(person)
        return Response(ViewersSerializer({"active_employees": employee_count, "viewers": viewers}).data)
