from django.db import migrations

from qiao.core.migration_operations import related_department_facts


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0005_search_keys_fit_their_columns"),
    ]

    operations = [
        *related_department_facts("sales_opportunity", "opportunity_id"),
    ]
