"""Every write to the knowledge base: categories (PERM-10), articles (PERM-9, KB-1) and links from
main objects to articles (PERM-8)."""

import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _

from qiao.core.attachments import remove_attachment
from qiao.core.forms import field_error
from qiao.core.models import Attachment, Comment
from qiao.core.permissions import object_type_of
from qiao.core.services import StaleVersion
from qiao.core.targets import allowed, dependents_of
from qiao.org.models import Role

from .errors import KnowledgeError
from .models import MANAGE, Article, Category, KnowledgeLink
from .sanitize import clean_html, plain_text

__all__ = [
    "StaleVersion",
    "article_create",
    "article_delete",
    "article_update",
    "can_link",
    "category_create",
    "category_delete",
    "category_update",
    "knowledge_link_add",
    "knowledge_link_remove",
    "normalize_tags",
]

MAX_TAGS = 20
MAX_TAG_LENGTH = 30
TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
UNCHANGED = object()


def require_manage(actor) -> None:
    if not actor.has_code(MANAGE):
        raise PermissionDenied(_("You do not have the permission “%(code)s”.") % {"code": MANAGE})


def _text(value, field: str) -> str:
    """Text from a form or the API, refused when it cannot be stored (NUL characters, unpaired
    surrogates) rather than failing in the database."""
    value = "" if value is None else str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise field_error(
            field, _("The text contains characters that cannot be stored."), KnowledgeError.BAD_TEXT
        ) from error
    if "\x00" in value:
        raise field_error(field, _("The text contains characters that cannot be stored."), KnowledgeError.BAD_TEXT)
    return value


# --- categories ----------------------------------------------------------------------------------


def _category_for(actor, category, field: str) -> Category:
    """The category, freshly read (tree fields current), if it is in the actor's organization."""
    found = Category.objects.visible_to(actor).filter(pk=getattr(category, "pk", None)).first()
    if found is None:
        raise field_error(field, _("Unknown category."), KnowledgeError.UNKNOWN_CATEGORY)
    return found


def _category_name(name) -> str:
    name = _text(name, "name").strip()
    if not name:
        raise field_error("name", _("The category needs a name."), KnowledgeError.NAME_REQUIRED)
    if len(name) > Category._meta.get_field("name").max_length:
        raise field_error(
            "name",
            _("At most %(count)d characters.") % {"count": Category._meta.get_field("name").max_length},
            KnowledgeError.NAME_REQUIRED,
        )
    return name


def _siblings(actor, parent: Category | None):
    if parent is None:
        return Category.objects.visible_to(actor).filter(depth=1)
    return Category.objects.get_children(parent)


def _require_unique_name(actor, parent: Category | None, name: str, exclude: Category | None = None) -> None:
    siblings = _siblings(actor, parent).filter(name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        where = parent.name if parent is not None else _("the top level")
        raise field_error(
            "name",
            _("“%(parent)s” already has a category named “%(name)s”.") % {"parent": where, "name": name},
            KnowledgeError.DUPLICATE_CATEGORY_NAME,
        )


@transaction.atomic
def category_create(*, actor, name: str, parent: Category | None = None) -> Category:
    """A category at the top level or under any category, even one that already holds articles
    (PERM-10)."""
    require_manage(actor)
    if parent is not None:
        parent = _category_for(actor, parent, "parent")
    name = _category_name(name)
    _require_unique_name(actor, parent, name)
    if parent is None:
        return Category.objects.add_root({"org": actor.org, "name": name})
    return Category.objects.add_child(parent, {"org": actor.org, "name": name})


def _require_category(actor, category: Category) -> Category:
    if not Category.objects.visible_to(actor).filter(pk=category.pk).exists():
        raise Http404
    require_manage(actor)
    return Category.objects.get(pk=category.pk)


@transaction.atomic
def category_update(*, actor, category: Category, name: str | None = None, parent=UNCHANGED) -> Category:
    """Rename a category and/or move it (with its sub-categories and articles) under another
    category, or to the top level with `parent=None`; never under itself."""
    category = _require_category(actor, category)
    current_parent = Category.objects.get_parent(category)
    target_parent = current_parent
    if parent is not UNCHANGED:
        target_parent = _category_for(actor, parent, "parent") if parent is not None else None
        if target_parent is not None and target_parent.path.startswith(category.path):
            raise field_error(
                "parent",
                _("A category cannot be moved under itself or one of its sub-categories."),
                KnowledgeError.MOVE_INTO_SUBTREE,
            )
    new_name = _category_name(name) if name is not None else category.name
    _require_unique_name(actor, target_parent, new_name, exclude=category)
    if new_name != category.name:
        category.name = new_name
        category.save(update_fields=["name"])
    if getattr(target_parent, "pk", None) != getattr(current_parent, "pk", None):
        if target_parent is None:
            last_root = Category.objects.visible_to(actor).filter(depth=1).exclude(pk=category.pk).last()
            Category.objects.move(category, last_root, pos="last-sibling")
        else:
            Category.objects.move(category, target_parent, pos="last-child")
        category.refresh_from_db()
    return category


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Only an empty category goes: no sub-categories, no articles."""
    category = _require_category(actor, category)
    if Category.objects.get_children_count(category):
        raise ValidationError(
            _("“%(name)s” still has sub-categories; move or remove them first.") % {"name": category.name},
            code=KnowledgeError.CATEGORY_NOT_EMPTY,
        )
    if Article.objects.filter(category=category).exists():
        raise ValidationError(
            _("“%(name)s” still holds articles; move them to another category first.") % {"name": category.name},
            code=KnowledgeError.CATEGORY_NOT_EMPTY,
        )
    Category.objects.filter(pk=category.pk).delete()


# --- articles ------------------------------------------------------------------------------------


def normalize_tags(tags) -> list[str]:
    """Tags from a comma-separated text (commas, Chinese commas, 、 or semicolons) or a list:
    trimmed, without duplicates, in the order given."""
    if isinstance(tags, str):
        tags = [tags]
    result: list[str] = []
    for entry in tags or ():
        for tag in TAG_SEPARATORS.split(_text(entry, "tags")):
            tag = " ".join(tag.split())
            if not tag or tag in result:
                continue
            if len(tag) > MAX_TAG_LENGTH:
                raise field_error(
                    "tags",
                    _("A tag has at most %(count)d characters: “%(tag)s”.") % {"count": MAX_TAG_LENGTH, "tag": tag},
                    KnowledgeError.TAG_TOO_LONG,
                )
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise field_error("tags", _("At most %(count)d tags.") % {"count": MAX_TAGS}, KnowledgeError.TOO_MANY_TAGS)
    return result


def _roles_for(actor, roles) -> list[Role]:
    roles = list(roles or ())
    known = {role.pk: role for role in Role.objects.visible_to(actor).filter(pk__in=[r.pk for r in roles])}
    if len(known) != len({r.pk for r in roles}):
        raise field_error("roles", _("Unknown role."), KnowledgeError.UNKNOWN_ROLE)
    return list(known.values())


def _apply(actor, article: Article, changes: dict) -> list[Role] | None:
    """Validates and sets the fields in `changes`; returns the roles to set, if given."""
    if "title" in changes:
        title = " ".join(_text(changes["title"], "title").split())
        if not title:
            raise field_error("title", _("The article needs a title."), KnowledgeError.TITLE_REQUIRED)
        if len(title) > Article._meta.get_field("title").max_length:
            raise field_error(
                "title",
                _("At most %(count)d characters.") % {"count": Article._meta.get_field("title").max_length},
                KnowledgeError.TITLE_REQUIRED,
            )
        article.title = title
    if "body" in changes:
        article.body = clean_html(_text(changes["body"], "body"))
        article.body_text = plain_text(article.body)
    if "category" in changes:
        article.category = _category_for(actor, changes["category"], "category")
    if "tags" in changes:
        article.tags = ",".join(normalize_tags(changes["tags"]))
    return _roles_for(actor, changes["roles"]) if "roles" in changes else None


ARTICLE_FIELDS = {"title", "body", "category", "tags", "roles"}


@transaction.atomic
def article_create(*, actor, title: str, category: Category, body: str = "", tags=(), roles=()) -> Article:
    """Only holders of `knowledge.manage` write articles and set the roles they are restricted
    to (PERM-9). The body is sanitized and its plain text kept for search (KB-1)."""
    require_manage(actor)
    article = Article(org=actor.org, author=actor)
    role_list = _apply(
        actor, article, {"title": title, "category": category, "body": body, "tags": tags, "roles": roles}
    )
    article.save()
    article.roles.set(role_list)
    return article


def _require_article(actor, article: Article, action: str) -> None:
    """Invisible → 404; visible but not permitted → 403 (PERM-3, PERM-4)."""
    if not Article.objects.visible_to(actor, "view").filter(pk=article.pk).exists():
        raise Http404
    if action != "view" and not Article.objects.visible_to(actor, action).filter(pk=article.pk).exists():
        raise PermissionDenied(_("Only knowledge managers change articles."))


@transaction.atomic
def article_update(*, actor, article: Article, version: int | None = None, **changes) -> Article:
    """Saves the changes when `version` is still the article's version, else StaleVersion. The
    changes are checked on a fresh copy, so a refused change leaves `article` as it was."""
    unknown = set(changes) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    _require_article(actor, article, "edit")
    expected = article.version if version is None else version
    current = Article.objects.get(pk=article.pk)
    role_list = _apply(actor, current, changes)
    if not Article.objects.filter(pk=current.pk, version=expected).update(version=F("version") + 1):
        raise StaleVersion
    current.version = expected + 1
    current.save()
    if role_list is not None:
        current.roles.set(role_list)
    return current


@transaction.atomic
def article_delete(*, actor, article: Article) -> None:
    """Removes the article with its comments, attachments (files too) and links."""
    _require_article(actor, article, "delete")
    dependents_of(Comment, article).delete()
    for attachment in dependents_of(Attachment, article):
        remove_attachment(attachment)
    article.delete()


# --- links from main objects (PERM-8) ------------------------------------------------------------


def can_link(actor, target) -> bool:
    """The main object's owner and those who can edit it link and unlink knowledge."""
    return allowed(actor, "view", target) and (target.owner_id == actor.pk or allowed(actor, "edit", target))


def _require_main_object(target) -> None:
    kind = object_type_of(target)
    if kind is None or kind.is_activity:
        raise field_error(
            "target_type", _("Knowledge can be linked only to main objects."), KnowledgeError.NOT_A_MAIN_OBJECT
        )


@transaction.atomic
def knowledge_link_add(*, actor, target, article: Article) -> KnowledgeLink:
    """Links an article the actor can see to a main object they own or can edit."""
    _require_main_object(target)
    if not allowed(actor, "view", target):
        raise Http404
    if not can_link(actor, target):
        raise PermissionDenied(_("Only the record's owner and those who can edit it link knowledge."))
    if article is None or not Article.objects.visible_to(actor).filter(pk=article.pk).exists():
        raise field_error("article", _("Unknown article."), KnowledgeError.UNKNOWN_ARTICLE)
    content_type = ContentType.objects.get_for_model(type(target))
    if KnowledgeLink.objects.filter(target_type=content_type, target_id=target.pk, article_id=article.pk).exists():
        raise field_error(
            "article",
            _("“%(title)s” is already linked to this record.") % {"title": article.title},
            KnowledgeError.ALREADY_LINKED,
        )
    return KnowledgeLink.objects.create(
        org=actor.org, target_type=content_type, target_id=target.pk, article=article, created_by=actor
    )


@transaction.atomic
def knowledge_link_remove(*, actor, link: KnowledgeLink) -> None:
    """Removes the link, never the article."""
    target = link.target
    if (
        target is None
        or not allowed(actor, "view", target)
        or not Article.objects.visible_to(actor).filter(pk=link.article_id).exists()
    ):
        raise Http404
    if not can_link(actor, target):
        raise PermissionDenied(_("Only the record's owner and those who can edit it unlink knowledge."))
    link.delete()
