from celery import shared_task

from pulse.bulk.services import bulk_operation_execute


@shared_task(
    name="pulse.bulk.tasks.bulk_operation_run_task",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    max_retries=2,
    retry_backoff=5,
    retry_jitter=True,
)
def bulk_operation_run_task(operation_id: int) -> None:
    bulk_operation_execute(operation_id=operation_id)
