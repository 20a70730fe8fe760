"""Customers as the services store them (normalized phones, pinyin and search keys), for the
archive's tests."""

from qiao.customers import services
from qiao.customers.models import Contact, Customer, Tag


def archived(organization, *, owner=None, owner_department=None, tags=(), contacts=(), related_users=(), **fields):
    """A customer saved after `prepare_customer` (as every page, the API and imports do), with
    its tags (names) and contacts (dicts of contact fields)."""
    record = Customer(
        org=organization,
        owner=owner,
        owner_department=owner_department if owner_department is not None else (owner.department if owner else None),
        name=fields.pop("name", "杭州西湖贸易有限公司"),
        **fields,
    )
    services.prepare_customer(record)
    record.save()
    record.tags.set([Tag.objects.get_or_create(org=organization, name=name)[0] for name in tags])
    record.related_users.set(related_users)
    for data in contacts:
        contact = Contact(org=organization, customer=record, **data)
        services._prepare_contact(contact)
        contact.save()
    return record
