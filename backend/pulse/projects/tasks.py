from celery import shared_task

from pulse.projects import jobs


@shared_task(name="pulse.projects.tasks.trash_purge_task")
def trash_purge_task() -> int:
    return jobs.trash_purge()


@shared_task(name="pulse.projects.tasks.health_recompute_task")
def health_recompute_task() -> int:
    return jobs.health_recompute()


@shared_task(name="pulse.projects.tasks.milestones_mark_missed_task")
def milestones_mark_missed_task() -> int:
    return jobs.milestones_mark_missed()
