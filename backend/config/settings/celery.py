"""Celery: Redis broker, JSON only, late acks, one task at a time per worker process."""

from celery.schedules import crontab

from config.env import env

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default="")) or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=720)
# Longer than the longest task, or Redis redelivers a task that is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "pulse.realtime.tasks.outbox_sweep_task", "schedule": 10.0},
    "purge-trash": {"task": "pulse.projects.tasks.trash_purge_task", "schedule": crontab(minute=17, hour=3)},
    "recompute-health": {"task": "pulse.projects.tasks.health_recompute_task", "schedule": crontab(minute=5)},
    "mark-missed-milestones": {
        "task": "pulse.projects.tasks.milestones_mark_missed_task",
        "schedule": crontab(minute=10),
    },
    "milestones-due-soon": {
        "task": "pulse.notifications.tasks.milestones_due_soon_task",
        "schedule": crontab(minute=20),
    },
    "daily-digest": {"task": "pulse.notifications.tasks.daily_digest_task", "schedule": crontab(minute=0, hour=7)},
    # simplejwt's flushexpiredtokens: one outstanding-token row per login and refresh, forever otherwise.
    "flush-expired-tokens": {
        "task": "pulse.accounts.tasks.tokens_flush_expired_task",
        "schedule": crontab(minute=37, hour=3),
    },
    "purge-webhook-events": {
        "task": "pulse.notifications.tasks.webhook_events_purge_task",
        "schedule": crontab(minute=47, hour=3),
    },
}
