"""In-app notifications (ACT-5's in-app channel; OPP-2, OPP-3, OPP-9 use it first).

Apps register the verbs they send, each with its message; `notify` stores one row per recipient
with the data the message needs; the message is rendered when read, in the reader's language.
A notification names a record only in its data, chosen by the sender for that recipient (a clash
tells the existing owner who registered their customer, OPP-3); the link to the record is shown
only while the reader can open it (PERM-3)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from .models import Notification
from .targets import target_model


@dataclass(frozen=True)
class Verb:
    code: str  # e.g. "opportunity.approved"
    # A lazy msgid with %(name)s placeholders filled from the notification's data; %(actor)s is
    # the name of whoever did it, unless the data says otherwise.
    message: str
    icon: str = "bell"
    # Data keys holding msgids (a standard stage name, …) to translate for each reader.
    translated: tuple[str, ...] = field(default_factory=tuple)


_verbs: dict[str, Verb] = {}


def register_verb(verb: Verb) -> None:
    _verbs[verb.code] = verb


def verb(code: str) -> Verb | None:
    return _verbs.get(code)


def notify(*, users: Iterable, verb: str, target=None, actor=None, data: dict | None = None) -> list[Notification]:
    """Tells each of `users` (once, active employees of the target's or actor's organization only,
    never the actor about their own action) that `verb` happened. Runs in the caller's transaction:
    when the change is rolled back, so are its notifications."""
    if verb not in _verbs:
        raise ValueError(f"unregistered notification verb {verb!r}")
    org_id = getattr(target, "org_id", None) or getattr(actor, "org_id", None)
    recipients = {}
    for user in users:
        if user is None or not user.is_active or user.org_id != org_id:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        recipients[user.pk] = user
    if not recipients:
        return []
    target_type = ContentType.objects.get_for_model(type(target)) if target is not None else None
    rows = [
        Notification(
            org_id=org_id,
            recipient_id=pk,
            actor=actor,
            verb=verb,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            data={key: str(value) for key, value in (data or {}).items()},
        )
        for pk in sorted(recipients)
    ]
    return Notification.objects.bulk_create(rows)


def message(notification: Notification) -> str:
    registered = _verbs.get(notification.verb)
    if registered is None:
        return notification.verb
    data = dict(notification.data)
    if "actor" not in data and notification.actor_id:
        data["actor"] = notification.actor.get_full_name()
    for key in registered.translated:
        if data.get(key):
            data[key] = gettext(data[key])
    try:
        return str(registered.message) % defaultdict(str, data)
    except (KeyError, ValueError, TypeError):
        return str(registered.message)


def inbox(user):
    """The notifications of `user`, newest first (only their own, only in their organization)."""
    if not (user.is_authenticated and user.org_id):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk, org_id=user.org_id).select_related("actor")


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def _detail_url(record) -> str | None:
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    meta = record._meta
    for name in (f"{meta.app_label}:{meta.model_name}s:detail", f"{meta.app_label}:detail"):
        try:
            return reverse(name, args=[record.pk])
        except NoReverseMatch:
            continue
    return None


def with_links(user, notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications with `.url` (the record's page, when `user` can open it, else None) and
    `.text` set; one visibility query per record type on the page of notifications."""
    rows = list(notifications)
    by_type: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.target_type_id and row.target_id:
            by_type[row.target_type_id].add(row.target_id)
    visible: dict[tuple[int, int], object] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or target_model(model._meta.model_name) is None:
            continue
        for record in model.objects.visible_to(user).filter(pk__in=ids):
            visible[(type_id, record.pk)] = record
    for row in rows:
        record = visible.get((row.target_type_id, row.target_id))
        row.url = _detail_url(record) if record is not None else None
        row.text = message(row)
        row.icon = _verbs[row.verb].icon if row.verb in _verbs else "bell"
    return rows


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
