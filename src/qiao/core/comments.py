"""Comments on main objects and knowledge articles (PERM-6)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import CoreError
from .models import Comment
from .targets import allowed


def _require_view(actor, target) -> None:
    if not allowed(actor, "view", target):
        raise PermissionDenied(_("You cannot see this record."))


@transaction.atomic
def comment_add(*, actor, target, body: str) -> Comment:
    """Anyone who can view the record can comment on it."""
    _require_view(actor, target)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    return Comment.objects.create(
        org=actor.org,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        body=body,
        author=actor,
    )


@transaction.atomic
def comment_edit(*, actor, comment: Comment, body: str) -> Comment:
    """Only the author edits a comment — not even the record's owner may (PERM-6)."""
    _require_view(actor, comment.target)
    if comment.author_id != actor.pk:
        raise PermissionDenied(_("You can edit only your own comments."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")}, code=CoreError.NOT_OWN_COMMENT)
    comment.body = body
    comment.save(update_fields=["body", "updated_at"])
    return comment


def can_delete_comment(actor, comment: Comment) -> bool:
    target = comment.target
    return allowed(actor, "view", target) and (comment.author_id == actor.pk or target.owner_id == actor.pk)


@transaction.atomic
def comment_delete(*, actor, comment: Comment) -> None:
    """The author, or the record's owner (PERM-6)."""
    _require_view(actor, comment.target)
    if not can_delete_comment(actor, comment):
        raise PermissionDenied(_("You can delete only your own comments, or any comment on a record you own."))
    comment.delete()
