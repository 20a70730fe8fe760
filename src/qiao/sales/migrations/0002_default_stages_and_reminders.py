"""The seed's funnel for the organizations that existed before opportunities did (new ones get it
when they are created), and the hourly stage-ageing reminder in beat's schedule (OPP-9)."""

import json

from django.db import migrations

# The seed's funnel as it was when this migration was written (sales/models/stage.py has the live one).
DEFAULT_STAGES = (
    ("target", "", "open", 10, 30, ""),
    ("obtained", "", "open", 20, 21, ""),
    ("needs", "", "open", 35, 21, ""),
    ("solution", "", "open", 50, 30, "pre_sales"),
    ("quoted", "", "open", 70, 14, ""),
    ("negotiating", "", "open", 85, 14, ""),
    ("signed", "", "won", 100, None, ""),
    ("lost", "", "lost", 0, None, ""),
)

TASK_NAME = "Opportunities: stage ageing reminders"


def create_default_stages(apps, schema_editor):
    Organization = apps.get_model("org", "Organization")
    Stage = apps.get_model("sales", "Stage")
    ProcessStage = apps.get_model("core", "ProcessStage")
    for organization in Organization.objects.all():
        if Stage.objects.filter(org=organization).exists():
            continue
        for position, (code, _label, kind, probability, ageing_limit, role) in enumerate(DEFAULT_STAGES, start=1):
            process_stage = ProcessStage.objects.create(
                org=organization, process="opportunity", name=code, position=position, business_role=role
            )
            Stage.objects.create(
                org=organization,
                code=code,
                kind=kind,
                position=position * 10,
                probability=probability,
                ageing_limit_days=ageing_limit,
                process_stage=process_stage,
            )


def schedule_reminders(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _created = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "qiao.sales.stage_ageing_reminders", "interval": hourly, "args": json.dumps([])},
    )


def unschedule_reminders(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_default_stages, migrations.RunPython.noop),
        migrations.RunPython(schedule_reminders, unschedule_reminders),
    ]
