"""Every write to customers and contacts (CUS-1, CUS-2, CUS-11). Creating, editing and deleting a
customer go through core's shared services, which call `prepare_customer` (registered with the
customer type) so that the generic pages, the API, imports and lead conversion all normalize and
validate the same way."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import services as core_services

from . import chinese, dedupe
from .dedupe import DuplicateReport
from .errors import CustomerError
from .models import Contact, Customer


def _phone_or_error(record, field: str, errors: dict) -> None:
    text = getattr(record, field)
    if not text:
        return
    normalized = chinese.normalize_phone(text)
    if normalized is None:
        errors[field] = ValidationError(
            _("“%(value)s” is not a valid phone number. Write it like 138 1234 5678 or 0571 8888 6666.")
            % {"value": text},
            code=CustomerError.INVALID_PHONE,
        )
    else:
        setattr(record, field, normalized)


# Lazy: translated when a message is made, in the language of that request, not at import.
USCC_MESSAGES = {
    "length": gettext_lazy("A unified social credit code has 18 characters; this one has %(count)d."),
    "characters": gettext_lazy(
        "A unified social credit code uses only digits and the capital letters A–Y without I, O, S, V, Z."
    ),
    "checksum": gettext_lazy(
        "The last character of this unified social credit code does not match the others: check for a typo."
    ),
}


def validate_uscc(record, errors: dict) -> None:
    code = chinese.normalize_uscc(record.unified_social_credit_code)
    record.unified_social_credit_code = code
    if code and (problem := chinese.uscc_problem(code)):
        errors["unified_social_credit_code"] = ValidationError(
            USCC_MESSAGES[problem] % {"count": len(code)}, code=CustomerError.INVALID_USCC
        )


def validate_birthday(record, errors: dict) -> None:
    from .birthdays import birthday_problem

    if problem := birthday_problem(record):
        errors["birthday_day"] = ValidationError(problem, code=CustomerError.INVALID_BIRTHDAY)


def fill_address(record) -> None:
    """Province, city and district from the free-text address when none were given, and the
    district's centre as the map position until someone pins the exact spot (CUS-9)."""
    if not record.address or (record.province and record.city):
        return
    parsed = chinese.parse_address(record.address)
    record.province, record.city = record.province or parsed.province, record.city or parsed.city
    record.district = record.district or parsed.district
    if not hasattr(record, "street"):  # a lead (leads/) keeps the divisions only: no street, no map position
        return
    record.street = record.street or parsed.street
    if record.latitude is None and record.longitude is None and (location := chinese.approximate_location(parsed)):
        record.latitude, record.longitude = location


def prepare_customer(customer: Customer) -> None:
    errors = {}
    _phone_or_error(customer, "phone", errors)
    _phone_or_error(customer, "mobile", errors)
    validate_uscc(customer, errors)
    validate_birthday(customer, errors)
    if errors:
        raise ValidationError(errors)
    customer.name = " ".join(customer.name.split())
    fill_address(customer)
    customer.name_pinyin, customer.name_initials = chinese.pinyin_keys(customer.name)
    customer.name_key = chinese.company_name_key(customer.name)
    customer.phone_digits = chinese.phone_digits(customer.phone, customer.mobile)


# --- Contacts (CUS-2): seen and changed with their customer ----------------------------------------


def contacts_visible_to(user, action: str = "view"):
    return Contact.objects.filter(
        org_id=user.org_id, customer__in=Customer.objects.visible_to(user, action).values("pk")
    ).select_related("customer")


def _prepare_contact(contact: Contact) -> None:
    errors = {}
    _phone_or_error(contact, "phone", errors)
    _phone_or_error(contact, "mobile", errors)
    validate_birthday(contact, errors)
    if errors:
        raise ValidationError(errors)
    contact.phone_digits = chinese.phone_digits(contact.phone, contact.mobile)
    contact.name_pinyin = "".join(chinese.pinyin_keys(contact.name))


@transaction.atomic
def contact_save(*, actor, customer: Customer, data: dict, contact: Contact | None = None, version=None) -> Contact:
    """Adds a contact to `customer`, or changes one (optimistic locking as for main objects)."""
    core_services.require(actor, "edit", customer)
    if contact is None:
        contact = Contact(org_id=customer.org_id, customer=customer)
    else:
        if contact.customer_id != customer.pk:
            raise PermissionDenied
        expected = contact.version if version is None else version
        if not Contact.objects.filter(pk=contact.pk, version=expected, deleted_at__isnull=True).update(
            version=F("version") + 1
        ):
            raise core_services.StaleVersion
        contact.version = expected + 1
    for name, value in data.items():
        setattr(contact, name, value)
    _prepare_contact(contact)
    contact.full_clean(exclude=["org", "customer", "version", "deleted_at", "deleted_by"])
    if contact.is_primary:
        customer.contacts.exclude(pk=contact.pk).update(is_primary=False)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    """Marks the contact deleted; `contact_restore` brings it back (NFR-3)."""
    core_services.require(actor, "edit", contact.customer)
    contact.deleted_at, contact.deleted_by = timezone.now(), actor
    contact.version += 1
    contact.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])


@transaction.atomic
def contact_restore(*, actor, contact: Contact) -> None:
    core_services.require(actor, "edit", contact.customer)
    contact.deleted_at, contact.deleted_by = None, None
    contact.version += 1
    contact.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])


# --- Customers with their tags (CUS-1) ------------------------------------------------------------


def _tags_from_names(actor, data: dict) -> dict:
    """`data` with its "tags" given as names (or Tag objects) turned into the organization's Tag
    objects; names not yet used become new tags (the form's "create" and the API's names)."""
    if "tags" not in data:
        return data
    from .models import Tag

    tags, names = [], []
    for item in data["tags"] or []:
        if isinstance(item, Tag):
            tags.append(item)
        elif (name := " ".join(str(item).split())[:40]) and name not in names:
            names.append(name)
    existing = {tag.name: tag for tag in Tag.objects.filter(org_id=actor.org_id, name__in=names)}
    for name in names:
        tags.append(existing.get(name) or Tag.objects.create(org_id=actor.org_id, name=name))
    return {**data, "tags": tags}


# --- Duplicates (CUS-8): the one check, before a second record of the same shop is saved -----------

DUPLICATE_FIELDS = ("name", "phone", "mobile", "unified_social_credit_code", "address")


class DuplicateCustomer(ValidationError):
    """A new customer the duplicate check holds to be an existing one: the save is refused, naming
    the field that lifts the refusal; `report` holds the matches as the actor may see them."""

    def __init__(self, report: DuplicateReport):
        self.report = report
        super().__init__(
            {
                "confirm_not_duplicate": ValidationError(
                    _(
                        "This customer may already exist (see the matches). If it is a different customer, "
                        "confirm it and save again."
                    ),
                    code=CustomerError.DUPLICATE,
                )
            }
        )


def customer_duplicates(*, viewer, data: dict, exclude: int | None = None) -> DuplicateReport:
    """CUS-8's one duplicate check for a customer being typed or saved: its name, phones, credit
    code and address against the organization's customers (all of them, whatever the viewer's
    scope), shown as `viewer` may see them. `exclude` is the customer being edited."""
    values = {name: str(data.get(name) or "") for name in DUPLICATE_FIELDS}
    if not any(values[name] for name in DUPLICATE_FIELDS if name != "address"):
        return DuplicateReport()
    matches = dedupe.find_duplicates_as_system(
        org_id=viewer.org_id, exclude=(("customer", exclude),) if exclude else (), types=("customer",), **values
    )
    return DuplicateReport(dedupe.matches_for_user(viewer, matches))


@transaction.atomic
def customer_create(*, actor, data: dict, confirm_not_duplicate: bool = False) -> Customer:
    """A new customer: core's create (prepare_customer, permission re-check) with its tags. Refused
    with DuplicateCustomer when the duplicate check finds it among the existing customers, unless
    the actor confirmed that it is a different one."""
    core_services.require_add(actor, Customer)  # nothing, not even a clash, for one who may not add
    if not confirm_not_duplicate:
        report = customer_duplicates(viewer=actor, data=data)
        if report.found:
            raise DuplicateCustomer(report)
    return core_services.main_object_create(actor=actor, model=Customer, data=_tags_from_names(actor, data))


@transaction.atomic
def customer_update(*, actor, customer: Customer, data: dict, version: int | None = None) -> Customer:
    """Saves a customer's changes when `version` is still current (StaleVersion otherwise)."""
    return core_services.main_object_update(
        actor=actor, obj=customer, data=_tags_from_names(actor, data), version=version
    )
