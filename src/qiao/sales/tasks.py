from celery import shared_task


@shared_task(name="qiao.sales.stage_ageing_reminders")
def stage_ageing_reminders() -> int:
    """OPP-9, scheduled by beat (hourly; the schedule is editable in the admin): reminds the owner
    and manager of each opportunity longer in its stage than the stage allows, once per stay."""
    from .services import stage_ageing_remind_as_system

    return stage_ageing_remind_as_system()
