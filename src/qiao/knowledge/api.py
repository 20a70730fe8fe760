"""`/api/v1/knowledge/articles/`, `/api/v1/knowledge/categories/` and `/api/v1/knowledge/links/`
(KB-1, PERM-8 … PERM-10). Querysets come only from `visible_to`: an invisible id is 404; a visible
record the user may not change is 403; bad input is a 400 naming the field."""

import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, permissions, serializers, viewsets
from rest_framework.filters import OrderingFilter

from qiao.core.api import Conflict, FilterBackend
from qiao.core.forms import MAX_ID, whole_number
from qiao.core.permissions import object_type
from qiao.core.targets import resolve_target
from qiao.core.viewsets import OrgRelatedField
from qiao.org.models import Role

from . import queries, services
from .models import MANAGE, Article, Category, KnowledgeLink


class KnowledgeWrites(permissions.BasePermission):
    """Creating needs `knowledge.manage`, a check that does not depend on any record; changing
    or deleting a record needs it to be within the user's edit scope, asked only after the record
    was found among the visible ones (so an invisible one stays 404)."""

    message = _("Only knowledge managers change the knowledge base.")

    def has_permission(self, request, view):
        return view.action != "create" or request.user.has_code(MANAGE)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(obj).objects.visible_to(request.user, "edit").filter(pk=obj.pk).exists()


# --- categories ----------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    parent = OrgRelatedField(
        queryset=Category.objects,
        allow_null=True,
        required=False,
        help_text=_("The parent category; null or absent for a top-level category. Changing it moves the category."),
    )
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "depth"]

    def to_representation(self, category):
        data = super().to_representation(category)
        data["parent"] = getattr(category, "parent_pk", None)
        return data


def _with_parent(queryset):
    """Each category's parent id from its materialized path, in the same query."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Category.steplen)
    return queryset.annotate(parent_pk=Subquery(Category.objects.filter(path=parent_path).values("pk")[:1]))


class CategoryViewSet(viewsets.ModelViewSet):
    """The organization's category tree (PERM-10), in tree order. Every member of the organization
    reads it; holders of `knowledge.manage` add, rename, move and remove (empty) categories."""

    serializer_class = CategorySerializer
    permission_classes = [permissions.IsAuthenticated, KnowledgeWrites]
    search_fields = ["name"]
    ordering_fields = ["path", "name"]

    def get_queryset(self):
        return _with_parent(Category.objects.visible_to(self.request.user))

    def perform_create(self, serializer):
        category = services.category_create(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            parent=serializer.validated_data.get("parent"),
        )
        serializer.instance = self.get_queryset().get(pk=category.pk)

    def perform_update(self, serializer):
        data = serializer.validated_data
        category = services.category_update(
            actor=self.request.user,
            category=serializer.instance,
            name=data.get("name"),
            parent=data.get("parent", services.UNCHANGED),
        )
        serializer.instance = self.get_queryset().get(pk=category.pk)

    def perform_destroy(self, category):
        services.category_delete(actor=self.request.user, category=category)


# --- articles ------------------------------------------------------------------------------------


def _categories(request):
    if request is None:
        return Category.objects.none()
    return Category.objects.visible_to(request.user)


class ArticleFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=_categories, method="filter_category", help_text=_("Articles on this category or below it.")
    )
    tag = django_filters.CharFilter(method="filter_tag", max_length=100, help_text=_("Articles with exactly this tag."))

    class Meta:
        model = Article
        fields = ["category", "tag"]

    def filter_category(self, queryset, name, value):
        return queries.in_category(queryset, value) if value else queryset

    def filter_tag(self, queryset, name, value):
        tag = value.strip()
        if not tag:
            return queryset
        return queryset.filter(
            Q(tags=tag) | Q(tags__startswith=f"{tag},") | Q(tags__endswith=f",{tag}") | Q(tags__contains=f",{tag},")
        )


class ArticleSearch(filters.SearchFilter):
    """`?search=`: every whitespace-separated term must occur (as a substring, since Chinese has
    no spaces) in the title, the tags or the text; title hits first."""

    search_description = _("Words that must all occur in the title, tags or text; title hits come first.")

    def filter_queryset(self, request, queryset, view):
        return queries.search(queryset, request.query_params.get(self.search_param, ""))


class ArticleSerializer(serializers.ModelSerializer):
    body = serializers.CharField(
        required=False, allow_blank=True, help_text=_("HTML (or plain text); sanitized when saved.")
    )
    category = OrgRelatedField(queryset=Category.objects, help_text=_("Any category, leaf or not."))
    tags = serializers.ListField(
        source="tag_list",
        child=serializers.CharField(max_length=services.MAX_TAG_LENGTH),
        max_length=services.MAX_TAGS,
        required=False,
    )
    roles = OrgRelatedField(
        queryset=Role.objects,
        many=True,
        required=False,
        help_text=_("Roles the article is restricted to; empty: everyone who may browse the knowledge base."),
    )
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Send the version you read; a stale one gets 409."),
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "body_text",
            "category",
            "tags",
            "roles",
            "author",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["body_text", "created_at", "updated_at"]


def _article_changes(validated_data: dict) -> dict:
    changes = dict(validated_data)
    changes.pop("version", None)
    if "tag_list" in changes:
        changes["tags"] = changes.pop("tag_list")
    return changes


class ArticleViewSet(viewsets.ModelViewSet):
    """Knowledge articles (KB-1, PERM-9): holders of `knowledge.manage` see and write every
    article; holders of `knowledge.browse` read the unrestricted ones and those restricted to a role
    they hold."""

    serializer_class = ArticleSerializer
    permission_classes = [permissions.IsAuthenticated, KnowledgeWrites]
    filter_backends = [FilterBackend, ArticleSearch, OrderingFilter]
    filterset_class = ArticleFilter
    search_fields = ["title", "tags", "body_text"]
    ordering_fields = ["updated_at", "created_at", "title"]

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related("category").prefetch_related("roles")

    def perform_create(self, serializer):
        serializer.instance = services.article_create(
            actor=self.request.user, **_article_changes(serializer.validated_data)
        )

    def perform_update(self, serializer):
        try:
            serializer.instance = services.article_update(
                actor=self.request.user,
                article=serializer.instance,
                version=serializer.validated_data.get("version"),
                **_article_changes(serializer.validated_data),
            )
        except services.StaleVersion as error:
            raise Conflict from error

    def perform_destroy(self, article):
        services.article_delete(actor=self.request.user, article=article)


# --- links from main objects (PERM-8) ------------------------------------------------------------


class KnowledgeLinkSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(max_length=100, help_text=_("A main object type: customer, …"))
    target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    article = OrgRelatedField(queryset=Article.objects)
    article_title = serializers.CharField(source="article.title", read_only=True)
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = KnowledgeLink
        fields = ["id", "target_type", "target_id", "article", "article_title", "created_by", "created_at"]
        # Linking twice is answered by the service, naming the field.
        validators = []

    def to_representation(self, link):
        data = super().to_representation(link)
        data["target_type"] = link.target_type.model
        return data

    def validate(self, attrs):
        kind = object_type(attrs["target_type"])
        if kind is None or kind.is_activity:
            raise serializers.ValidationError({"target_type": [_("Knowledge can be linked only to main objects.")]})
        try:
            attrs["target"] = resolve_target(self.context["request"].user, attrs["target_type"], attrs["target_id"])
        except Http404 as error:
            raise serializers.ValidationError({"target_id": [_("Unknown record.")]}) from error
        return attrs


LINK_PARAMETERS = [
    OpenApiParameter("target_type", str, description="customer, …"),
    OpenApiParameter("target_id", int),
    OpenApiParameter("article", int),
]


@extend_schema_view(list=extend_schema(parameters=LINK_PARAMETERS))
class KnowledgeLinkViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Articles linked to main objects (PERM-8). Each user sees the links whose record and article
    they can both see; the record's owner and editors link articles they can see, and unlink.
    Unlinking removes the link, never the article."""

    serializer_class = KnowledgeLinkSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        links = KnowledgeLink.objects.visible_to(self.request.user).select_related("target_type", "article")
        if self.action != "list":
            return links
        params = self.request.query_params
        target_type, target_id = params.get("target_type"), params.get("target_id")
        if target_type or target_id:
            if whole_number(target_id) is None:
                raise Http404
            target = resolve_target(self.request.user, target_type or "", target_id)
            links = links.filter(target_type__model=target._meta.model_name, target_id=target.pk)
        article = params.get("article")
        if article is not None:
            pk = whole_number(article)
            links = links.filter(article_id=pk) if pk is not None else links.none()
        return links

    def perform_create(self, serializer):
        serializer.instance = services.knowledge_link_add(
            actor=self.request.user,
            target=serializer.validated_data["target"],
            article=serializer.validated_data["article"],
        )

    def perform_destroy(self, link):
        services.knowledge_link_remove(actor=self.request.user, link=link)
