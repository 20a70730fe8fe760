"""Keeping the stored name keys (Customer.name_key, Lead.name_key) in step with the current
normalization of company names, so that the candidates' look-ups by key stay right."""

from .. import chinese


def rekey_as_system(org_id: int | None = None, *, batch_size: int = 2000) -> int:
    """Recomputes the stored name keys (Customer.name_key, Lead.name_key) after the normalization
    of company names changed (customers/chinese/company_names.py), so that look-ups by key find what the current
    rules hold to be the same name. Returns the number of records changed. Run it from a data
    migration or the shell; it writes only the keys (no history entry, no version change)."""
    from ..models import Customer, Lead

    changed = 0
    for model, name_of in ((Customer, lambda row: row["name"]), (Lead, lambda row: row["company"] or row["name"])):
        queryset = model.all_objects.all() if org_id is None else model.all_objects.filter(org_id=org_id)
        columns = ["pk", "name", "name_key"] + (["company"] if model is Lead else [])
        updates = []
        for row in queryset.order_by("pk").values(*columns).iterator(chunk_size=batch_size):
            key = chinese.company_name_key(name_of(row))
            if key != row["name_key"]:
                updates.append(model(pk=row["pk"], name_key=key))
            if len(updates) >= batch_size:
                model.all_objects.bulk_update(updates, ["name_key"])
                changed += len(updates)
                updates = []
        if updates:
            model.all_objects.bulk_update(updates, ["name_key"])
            changed += len(updates)
    return changed
