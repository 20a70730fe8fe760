from django.db import migrations

from qiao.core.migration_operations import related_department_facts


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_search_keys_fit_their_columns"),
    ]

    operations = [
        *related_department_facts("customers_customer", "customer_id"),
        *related_department_facts("customers_lead", "lead_id"),
    ]
