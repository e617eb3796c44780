from celery import shared_task

from pulse.accounts.services import tokens_flush_expired


@shared_task(name="pulse.accounts.tasks.tokens_flush_expired_task")
def tokens_flush_expired_task() -> int:
    return tokens_flush_expired()
