from celery import shared_task

from pulse.realtime.outbox import sweep


@shared_task(name="pulse.realtime.tasks.outbox_sweep_task")
def outbox_sweep_task() -> int:
    return sweep()
