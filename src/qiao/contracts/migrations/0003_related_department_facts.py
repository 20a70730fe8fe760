from django.db import migrations

from qiao.core.migration_operations import related_department_facts


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_history_change_reason_text"),
    ]

    operations = [
        *related_department_facts("contracts_contract", "contract_id"),
    ]
