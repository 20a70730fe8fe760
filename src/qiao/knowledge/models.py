"""The knowledge base (KB-1): a category tree per organization (PERM-10), articles with sanitized
rich text, tags and role restrictions (PERM-9), and links from main objects to articles (PERM-8)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from qiao.core.models.targets import BelongsToTarget
from qiao.core.permissions import org_records

MANAGE = "knowledge.manage"
BROWSE = "knowledge.browse"


class CategoryQuerySet(MP_NodeQuerySet):
    def visible_to(self, user, action: str = "view"):
        """Every member of the organization sees the categories; only managers write them."""
        return org_records(self, user, action, manage_code=MANAGE)


class CategoryManager(MP_NodeManager):
    def get_queryset(self):
        return CategoryQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, action: str = "view"):
        return self.get_queryset().visible_to(user, action)


class Category(MP_Node):
    """One node of an organization's category tree. An organization's top-level categories are
    root nodes; children keep the order in which they were added (no `node_order_by`, so adding
    or renaming never rewrites other organizations' paths)."""

    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CategoryManager()

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        indexes = [models.Index(fields=["org", "path"], name="knowledge_category_org_path")]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """PERM-9. Nothing outside the user's organization or for inactive users. Holders of
        `knowledge.manage` see, edit and delete every article. Holders of `knowledge.browse` only
        view: articles without roles, and articles restricted to a role they hold."""
        if not (user.is_authenticated and user.is_active and user.org_id):
            return self.none()
        queryset = self.filter(org_id=user.org_id)
        if user.has_code(MANAGE):
            return queryset
        if action != "view" or not user.has_code(BROWSE):
            return self.none()
        restrictions = Article.roles.through.objects.filter(article_id=OuterRef("pk"))
        return queryset.filter(~Exists(restrictions) | Exists(restrictions.filter(role__users=user.pk)))


class Article(models.Model):
    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("Rich text; sanitized when saved."))
    body_text = models.TextField(_("plain text"), blank=True, editable=False)
    # Any node of the tree, leaf or not (PERM-10). RESTRICT: a category with articles cannot be
    # removed, but an organization goes with its categories and articles together.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.RESTRICT, related_name="articles"
    )
    tags = models.CharField(_("tags"), max_length=500, blank=True, help_text=_("Separated by commas."))
    roles = models.ManyToManyField(
        "org.Role",
        verbose_name=_("restricted to roles"),
        related_name="knowledge_articles",
        blank=True,
        help_text=_("Leave empty and everyone who may browse the knowledge base can read it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["body_text"], m2m_fields=["roles"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["org", "-updated_at"], name="knowledge_article_newest")]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_id(self) -> int | None:
        """The shared comment and attachment code treats the author as the record's owner (PERM-6,
        PERM-7): they may delete any comment on it and unlock its files."""
        return self.author_id

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def safe_body(self) -> str:
        """The body as HTML for the page. It was sanitized when saved; cleaning it again costs
        little and covers rows written by other means."""
        from .sanitize import clean_html

        return mark_safe(clean_html(self.body))


class KnowledgeLinkQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """A link shows to whoever can view both its main object and its article (PERM-8)."""
        from qiao.core.targets import target_filter

        if not (user.is_authenticated and user.is_active and user.org_id):
            return self.none()
        return self.filter(org_id=user.org_id, article__in=Article.objects.visible_to(user).values("pk")).filter(
            target_filter(user, "view")
        )


class KnowledgeLink(BelongsToTarget):
    """A knowledge article linked to a main object (PERM-8). Unlinking or purging the main object
    removes this row, never the article."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    objects = KnowledgeLinkQuerySet.as_manager()

    class Meta(BelongsToTarget.Meta):
        verbose_name = _("knowledge link")
        verbose_name_plural = _("knowledge links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id", "article"], name="knowledge_link_once")
        ]

    def __str__(self) -> str:
        return str(self.article)
