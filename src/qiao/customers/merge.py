"""Merging duplicate customers (CUS-8): every record that refers to the merged customer moves to
the survivor, the merged customer goes to the recycle bin, and a CustomerMerge keeps the exact list
of what moved so that `customer_merge_undo` puts everything back.

What refers to a customer:
- foreign keys, registered with `register_customer_reference(model, field_name)`: this app's
  (contacts, photos, verification calls, leads referred by or converted to it, pool events,
  referral rewards); later modules register theirs (opportunities, contracts, …) in their
  AppConfig.ready();
- rows that name their record by type and id (comments, attachments, knowledge links, team
  members: core's targets; activities about it: Activity.subject), registered with
  `register_customer_target_reference(model, type_field, id_field)`;
- the many-to-many relations of the customer itself: tags, related employees and related
  departments; the survivor gains the merged customer's ones it does not have yet.

Rows are moved with their soft-deleted ones too, so that a contact or activity restored later
still belongs to the surviving customer. A row that would break a uniqueness rule on the survivor
(the same knowledge article linked to both, the same employee on both teams) stays with the merged
customer, in the bin, and comes back with it on undo. The survivor's empty fields are filled from
the merged customer, and emptied again on undo if nobody changed them since."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services

from .errors import CustomerError
from .models import Customer, CustomerMerge


@dataclass(frozen=True)
class Reference:
    model: type
    field_name: str


@dataclass(frozen=True)
class TargetReference:
    model: type
    type_field: str  # the ContentType foreign key
    id_field: str


_references: list[Reference] = []
_target_references: list[TargetReference] = []

MANY_TO_MANY = ("tags", "related_users", "related_departments")

# Fields the survivor takes from the merged customer when its own are empty.
NOT_FILLED = {"name", "name_pinyin", "name_initials", "name_key", "phone_digits", "notes"}


def register_customer_reference(model, field_name: str) -> None:
    """`model.field_name` is a foreign key to Customer whose rows move to the survivor of a merge."""
    if not any(ref.model is model and ref.field_name == field_name for ref in _references):
        _references.append(Reference(model, field_name))


def register_customer_target_reference(model, type_field: str = "target_type", id_field: str = "target_id") -> None:
    """`model` names its record by a ContentType and an id (comments, attachments, activities)."""
    if not any(ref.model is model for ref in _target_references):
        _target_references.append(TargetReference(model, type_field, id_field))


def customer_references() -> list[Reference]:
    return list(_references)


def register_builtin_references() -> None:
    """This app's and core's references; called from CustomersConfig.ready()."""
    from .models import Contact, CustomerPhoto, Lead, PoolEvent, ReferralReward, VerificationCall

    for model, field_name in (
        (Contact, "customer"),
        (CustomerPhoto, "customer"),
        (VerificationCall, "customer"),
        (PoolEvent, "customer"),
        (Lead, "referred_by_customer"),
        (Lead, "converted_customer"),
        (ReferralReward, "introducer_customer"),
    ):
        register_customer_reference(model, field_name)
    for label in ("core.Comment", "core.Attachment", "core.TeamMember", "knowledge.KnowledgeLink"):
        if _model_exists(label):
            register_customer_target_reference(apps.get_model(label))
    if _model_exists("activities.Activity"):
        register_customer_target_reference(apps.get_model("activities.Activity"), "subject_type", "subject_id")


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _label(model) -> str:
    return model._meta.label_lower


def _rows(model):
    """Every row, soft-deleted ones included."""
    return model._base_manager.all()


def _fillable_fields() -> list[models.Field]:
    return [
        field
        for field in Customer._meta.concrete_fields
        if field.editable
        and not field.is_relation
        and not field.primary_key
        and field.name not in NOT_FILLED
        and field.name not in {"version", "created_at", "updated_at", "deleted_at"}
    ]


def _is_empty(value) -> bool:
    return value is None or value == ""


def _require_merge_rights(actor, survivor: Customer, merged: Customer) -> None:
    core_services.require(actor, "edit", survivor)
    core_services.require(actor, "edit", merged)
    core_services.require(actor, "delete", merged)


@transaction.atomic
def customer_merge(*, actor, survivor: Customer, merged: Customer) -> CustomerMerge:
    """Moves everything of `merged` to `survivor`, fills the survivor's empty fields from it, puts
    `merged` in the recycle bin and records the merge. Needs edit on both and delete on `merged`."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("A customer cannot be merged into itself."), code=CustomerError.MERGE_SAME)
    survivor = Customer.objects.select_for_update().get(pk=survivor.pk)
    merged = Customer.objects.select_for_update().filter(pk=merged.pk).first()
    if merged is None:  # already merged or deleted meanwhile
        raise ValidationError(_("The customer to merge is no longer there."), code=CustomerError.MERGE_UNDONE)
    if survivor.org_id != merged.org_id:
        raise PermissionDenied
    _require_merge_rights(actor, survivor, merged)

    moves: dict = {"references": [], "targets": [], "kept": [], "many": {}, "filled": {}, "unset_primary": []}
    for reference in _references:
        rows = _rows(reference.model).filter(**{reference.field_name: merged.pk})
        ids = sorted(rows.values_list("pk", flat=True))
        if not ids:
            continue
        if _label(reference.model) == "customers.contact" and survivor.contacts.filter(is_primary=True).exists():
            primary = list(rows.filter(is_primary=True).values_list("pk", flat=True))
            if primary:  # the survivor keeps its own primary contact
                _rows(reference.model).filter(pk__in=primary).update(is_primary=False)
                moves["unset_primary"] = primary
        _rows(reference.model).filter(pk__in=ids).update(**{reference.field_name: survivor.pk})
        moves["references"].append({"model": _label(reference.model), "field": reference.field_name, "ids": ids})

    content_type = ContentType.objects.get_for_model(Customer)
    for reference in _target_references:
        on_merged = {f"{reference.type_field}": content_type, reference.id_field: merged.pk}
        moved, kept = [], []
        for pk in sorted(_rows(reference.model).filter(**on_merged).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    _rows(reference.model).filter(pk=pk).update(**{reference.id_field: survivor.pk})
                moved.append(pk)
            except IntegrityError:  # the survivor already has the same link or team member
                kept.append(pk)
        if moved:
            moves["targets"].append({"model": _label(reference.model), "field": reference.id_field, "ids": moved})
        if kept:
            moves["kept"].append({"model": _label(reference.model), "ids": kept})

    for name in MANY_TO_MANY:
        theirs = set(getattr(merged, name).values_list("pk", flat=True))
        mine = set(getattr(survivor, name).values_list("pk", flat=True))
        added = sorted(theirs - mine)
        if added:
            getattr(survivor, name).add(*added)
            moves["many"][name] = added

    for field in _fillable_fields():
        mine, theirs = getattr(survivor, field.attname), getattr(merged, field.attname)
        if _is_empty(mine) and not _is_empty(theirs) and not (isinstance(theirs, bool) or field.has_default()):
            setattr(survivor, field.attname, theirs)
            moves["filled"][field.attname] = field.value_to_string(merged)
    if moves["filled"]:
        from .services import prepare_customer

        prepare_customer(survivor)
    survivor.version += 1
    survivor._change_reason = _("Merged %(merged)s (#%(id)d) into this customer") % {
        "merged": merged.name,
        "id": merged.pk,
    }
    survivor.save()

    merged.deleted_at, merged.deleted_by = timezone.now(), actor
    merged.version += 1
    merged._change_reason = _("Merged into %(survivor)s (#%(id)d)") % {"survivor": survivor.name, "id": survivor.pk}
    merged.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return CustomerMerge.objects.create(
        org_id=survivor.org_id, survivor=survivor, merged=merged, merged_by=actor, moves=moves
    )


def merges_visible_to(user):
    """The merges whose surviving customer `user` can view (the "Merges" panel, the merge list)."""
    return CustomerMerge.objects.filter(
        org_id=user.org_id, survivor__in=Customer.objects.visible_to(user).values("pk")
    ).select_related("survivor", "merged", "merged_by", "undone_by")


def can_undo(user, merge: CustomerMerge) -> bool:
    if merge.undone_at is not None:
        return False
    survivor_editable = Customer.objects.visible_to(user, "edit").filter(pk=merge.survivor_id).exists()
    merged_deletable = (
        Customer.all_objects.visible_to(user, "delete", include_deleted=True).filter(pk=merge.merged_id).exists()
        and Customer.all_objects.visible_to(user, "edit", include_deleted=True).filter(pk=merge.merged_id).exists()
    )
    return survivor_editable and merged_deletable


@transaction.atomic
def customer_merge_undo(*, actor, merge: CustomerMerge) -> Customer:
    """Puts back exactly what the merge moved, empties the fields it filled (unless changed since),
    and brings the merged customer back from the recycle bin. Rows that were removed or moved again
    since the merge stay where they are now."""
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."), code=CustomerError.MERGE_UNDONE)
    survivor = Customer.all_objects.select_for_update().get(pk=merge.survivor_id)
    merged = Customer.all_objects.select_for_update().get(pk=merge.merged_id)
    core_services.require(actor, "edit", survivor)
    if not can_undo(actor, merge):
        raise PermissionDenied(
            _("Undoing this merge needs edit rights on both customers and delete on the merged one.")
        )
    moves = merge.moves

    for entry in moves.get("references", []):
        model = apps.get_model(entry["model"])
        _rows(model).filter(pk__in=entry["ids"], **{entry["field"]: survivor.pk}).update(**{entry["field"]: merged.pk})
    if moves.get("unset_primary"):
        apps.get_model("customers.contact")._base_manager.filter(
            pk__in=moves["unset_primary"], customer_id=merged.pk
        ).update(is_primary=True)
    for entry in moves.get("targets", []):
        model = apps.get_model(entry["model"])
        _rows(model).filter(pk__in=entry["ids"], **{entry["field"]: survivor.pk}).update(**{entry["field"]: merged.pk})
    for name, ids in moves.get("many", {}).items():
        getattr(survivor, name).remove(*ids)

    changed = False
    for attname, value in moves.get("filled", {}).items():
        field = Customer._meta.get_field(attname) if attname in {f.attname for f in Customer._meta.fields} else None
        if field is None:
            continue
        if field.value_to_string(survivor) == value:
            setattr(survivor, attname, "" if not field.null else None)
            changed = True
    if changed:
        from .services import prepare_customer

        prepare_customer(survivor)
    survivor.version += 1
    survivor._change_reason = _("Undid the merge of %(merged)s (#%(id)d)") % {"merged": merged.name, "id": merged.pk}
    survivor.save()

    merged.deleted_at, merged.deleted_by = None, None
    merged.version += 1
    merged._change_reason = _("Merge undone")
    merged.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    return merged


def related_counts(customer: Customer) -> list[tuple[str, int]]:
    """What would move with `customer` in a merge: (type, count) for each kind of record it has."""
    counts: dict[str, int] = {}
    for reference in _references:
        count = _rows(reference.model).filter(**{reference.field_name: customer.pk}).count()
        if count:
            label = str(reference.model._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + count
    content_type = ContentType.objects.get_for_model(Customer)
    for reference in _target_references:
        count = (
            _rows(reference.model)
            .filter(**{reference.type_field: content_type, reference.id_field: customer.pk})
            .count()
        )
        if count:
            counts[str(reference.model._meta.verbose_name_plural)] = count
    for name in MANY_TO_MANY:
        count = getattr(customer, name).count()
        if count:
            counts[str(Customer._meta.get_field(name).verbose_name)] = count
    return sorted(counts.items())


def moved_count(merge: CustomerMerge) -> int:
    moves = merge.moves or {}
    return sum(len(entry["ids"]) for entry in moves.get("references", []) + moves.get("targets", [])) + sum(
        len(ids) for ids in moves.get("many", {}).values()
    )
